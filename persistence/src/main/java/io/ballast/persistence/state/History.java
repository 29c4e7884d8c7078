package io.ballast.persistence.state;

import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * An immutable, time-ordered list of recent items that is cheap to extend: appending to the latest version
 * writes into a buffer shared with earlier versions (each of which only ever sees its own range), and
 * dropping what fell out of the horizon only moves the start. So folding one more window or decision into a
 * service's state costs O(1) amortized however long the history is, and the fold stays a pure function:
 * every version is a value that never changes.
 *
 * @param <T> the items, oldest first
 */
public final class History<T> extends AbstractList<T> implements RandomAccess {

  private static final History<Object> EMPTY = new History<>(new Buffer(new Object[0], 0), 0, 0);

  /** The shared storage; {@code used} is how far any version has written. */
  private static final class Buffer {
    final Object[] items;
    int used;

    Buffer(Object[] items, int used) {
      this.items = items;
      this.used = used;
    }
  }

  private final Buffer buffer;
  private final int start;
  private final int end;

  private History(Buffer buffer, int start, int end) {
    this.buffer = buffer;
    this.start = start;
    this.end = end;
  }

  @SuppressWarnings("unchecked")
  public static <T> History<T> empty() {
    return (History<T>) EMPTY;
  }

  /** A history of these items, oldest first (a history is returned as it is). */
  public static <T> History<T> of(List<T> items) {
    if (items instanceof History<T> h) {
      return h;
    }
    Object[] copy = items.toArray();
    for (Object item : copy) {
      Objects.requireNonNull(item, "a history holds no nulls");
    }
    return new History<>(new Buffer(copy, copy.length), 0, copy.length);
  }

  /**
   * This history with {@code item} appended and, from the oldest end, every item dropped that is older than
   * {@code oldest} (by {@code time}) or beyond the last {@code max} items.
   */
  public History<T> append(T item, Function<T, Instant> time, Instant oldest, int max) {
    Objects.requireNonNull(item, "a history holds no nulls");
    int from = start;
    while (from < end && (time.apply(get(from - start)).isBefore(oldest) || end - from + 1 > max)) {
      from++;
    }
    synchronized (buffer) {
      if (end == buffer.used && end < buffer.items.length) {
        buffer.items[end] = item;
        buffer.used++;
        return new History<>(buffer, from, end + 1);
      }
    }
    int live = end - from;
    Object[] grown = new Object[Math.max(16, 2 * (live + 1))];
    System.arraycopy(buffer.items, from, grown, 0, live);
    grown[live] = item;
    return new History<>(new Buffer(grown, live + 1), 0, live + 1);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T get(int index) {
    Objects.checkIndex(index, end - start);
    return (T) buffer.items[start + index];
  }

  @Override
  public int size() {
    return end - start;
  }

  /** The newest item; the history must not be empty. */
  public T last() {
    return get(size() - 1);
  }
}
