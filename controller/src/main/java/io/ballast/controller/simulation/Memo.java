package io.ballast.controller.simulation;

import java.util.Arrays;

/**
 * Remembers doubles by non-negative long key without boxing: demand and Erlang C are asked for the same few
 * thousand (rate, servers) pairs hundreds of thousands of times per run, and each answer costs O(c).
 */
final class Memo {

  private static final long EMPTY = -1;

  private long[] keys = new long[1024];
  private double[] values = new double[1024];
  private int size;

  Memo() {
    Arrays.fill(keys, EMPTY);
  }

  /** The value remembered for {@code key} (≥ 0), or NaN. */
  double get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
      if (keys[i] == EMPTY) {
        return Double.NaN;
      }
    }
  }

  void put(long key, double value) {
    if (key < 0) {
      throw new IllegalArgumentException("keys must be >= 0, was " + key);
    }
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    insert(key, value);
  }

  private void insert(long key, double value) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      if (keys[i] == EMPTY) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    double[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new double[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        insert(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
