package io.ballast.controller.shedding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of HAProxy's runtime API (its "stats socket"), which is how Ballast enforces shed levels in a running
 * HAProxy without a reload: the levels live in a map file that the config consults per request, and the runtime
 * API changes the map in memory. It also reads back what HAProxy counted (stick tables, {@code show stat}).
 *
 * <p>Every call is one non-interactive exchange on a fresh connection: connect, write the command line, read until
 * HAProxy closes. Several commands may share a line, separated by ';'; HAProxy then answers each in turn, each
 * answer ended by an empty line. The blocking I/O runs on two daemon threads owned by this instance, never on the
 * caller's; {@code timeout} bounds a whole exchange (connect, write and read), after which the connection is closed
 * and the stage fails. HAProxy reports errors as text, which the typed calls recognise and turn into
 * {@link HaproxyException}; {@link #command} fails only when HAProxy could not be reached or did not run the
 * command at all (unknown command, permission denied).
 */
public final class HaproxyRuntime implements AutoCloseable {

  /** HAProxy reads one command line into a buffer of {@code tune.bufsize} (16 KiB by default); stay well below. */
  static final int MAX_LINE = 8_000;
  private static final int MAX_ANSWER_BYTES = 64 << 20;
  private static final int IO_THREADS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** Printable ASCII without space, ';' (command separator), '\' (escape) and quotes: passed through verbatim. */
  private static final Pattern VERBATIM = Pattern.compile("[\\x21-\\x7e&&[^;\\\\'\"]]+");
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[^\\]]+\\]|[^:\\[\\]]+):(\\d{1,5})");
  private static final Pattern RATE_PERIOD = Pattern.compile("(\\w+_rate)\\(\\d+\\)");

  private final Address address;
  private final Duration timeout;
  private final ThreadPoolExecutor io;
  private final ScheduledThreadPoolExecutor watchdog;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** address: "unix:/path/admin.sock", "/path/admin.sock" or "host:port" (e.g. "127.0.0.1:9999"). */
  public HaproxyRuntime(String address, Duration timeout) {
    this.address = parseAddress(address);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    this.timeout = timeout;
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    ThreadFactory threads = task -> {
      Thread t = new Thread(task, "haproxy-runtime-" + instance + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.io = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        threads);
    this.io.allowCoreThreadTimeOut(true);
    this.watchdog = new ScheduledThreadPoolExecutor(1, threads);
    this.watchdog.setRemoveOnCancelPolicy(true);
  }

  public String address() {
    return address.text();
  }

  /** Sends one command (or several separated by ';') on a fresh connection and returns the whole answer. */
  public CompletionStage<String> command(String command) {
    Objects.requireNonNull(command, "command");
    if (command.isBlank() || command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a runtime API command is one non-blank line, not '" + command + "'");
    }
    return submit(command, answer -> {
      for (String one : splitAnswers(answer)) {
        if (one.startsWith("Unknown command") || one.startsWith("Permission denied")) {
          throw new HaproxyException(address.text(), command, one);
        }
      }
      return answer;
    });
  }

  /**
   * Sets key to value in the map (the map file path as declared in the haproxy config, or {@code #<id>}); adds the
   * entry when it is missing. Two callers adding the same missing key at once may both add it; HAProxy's
   * {@code set map} then keeps both copies equal.
   */
  public CompletionStage<Void> setMap(String map, String key, String value) {
    return setMapEntries(map, singleEntry(key, value));
  }

  /**
   * Sets several entries, pipelined with ';' on one connection (more only past {@value #MAX_LINE} characters), then
   * adds the missing ones on another. Entries set before a failure stay set: HAProxy has no transactions here.
   */
  public CompletionStage<Void> setMapEntries(String map, Map<String, String> entries) {
    requireVerbatim("map", map);
    Objects.requireNonNull(entries, "entries");
    List<Map.Entry<String, String>> list = new ArrayList<>(entries.size());
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      requireVerbatim("map key", entry.getKey());
      requireVerbatim("map value", entry.getValue());
      list.add(Map.entry(entry.getKey(), entry.getValue()));
    }
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> sets = list.stream().map(e -> "set map " + map + " " + e.getKey() + " " + e.getValue()).toList();
    return pipeline(sets).thenCompose(answers -> {
      List<String> adds = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        String answer = answers.get(i);
        if (answer.startsWith("entry not found")) {
          adds.add("add map " + map + " " + list.get(i).getKey() + " " + list.get(i).getValue());
        } else if (!answer.isEmpty()) {
          return CompletableFuture.<Void>failedFuture(new HaproxyException(address.text(), sets.get(i), answer));
        }
      }
      if (adds.isEmpty()) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      return pipeline(adds).thenApply(added -> {
        for (int i = 0; i < added.size(); i++) {
          if (!added.get(i).isEmpty()) {
            throw new HaproxyException(address.text(), adds.get(i), added.get(i));
          }
        }
        return null;
      });
    });
  }

  /** The map's current entries, key -> value, in HAProxy's order. */
  public CompletionStage<Map<String, String>> showMap(String map) {
    requireVerbatim("map", map);
    String command = "show map " + map;
    return submit(command, answer -> {
      for (String line : answer.split("\n")) {
        if (!line.isEmpty() && !line.startsWith("0x")) {
          throw new HaproxyException(address.text(), command, answer);
        }
      }
      return parseMap(answer);
    });
  }

  /** A stick table's entries: key and its stored counters (e.g. http_req_cnt, gpc0) as longs. */
  public CompletionStage<List<TableEntry>> showTable(String table) {
    requireVerbatim("table", table);
    String command = "show table " + table;
    return submit(command, answer -> {
      if (!answer.startsWith("# table:")) {
        throw new HaproxyException(address.text(), command, answer);
      }
      return parseTable(answer);
    });
  }

  /**
   * One stick-table entry. Counters are keyed by the stored type's name as HAProxy prints it, except that rates
   * drop their period: {@code http_req_rate(1000)=5} is {@code http_req_rate -> 5}. Entry metadata (use, exp,
   * shard) and non-numeric values are left out.
   */
  public record TableEntry(String key, Map<String, Long> counters) {
    public TableEntry {
      Objects.requireNonNull(key, "key");
      counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }
  }

  /** "show stat" as rows keyed by the CSV header (pxname, svname, scur, rtime, ttime, status, stot, hrsp_5xx, ...). */
  public CompletionStage<List<Map<String, String>>> showStat() {
    String command = "show stat";
    return submit(command, answer -> {
      if (!answer.startsWith("# ")) {
        throw new HaproxyException(address.text(), command, answer);
      }
      return parseStat(answer);
    });
  }

  /** Stops the I/O threads; exchanges still queued or running fail with {@link HaproxyException}. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    io.shutdownNow();
    watchdog.shutdownNow();
    for (CompletableFuture<?> future : pending) {
      future.completeExceptionally(new HaproxyException(address.text(), "(any)", "the client was closed", null));
    }
  }

  // ------------------------------------------------------------------------------------------------- exchanges

  private <T> CompletableFuture<T> submit(String command, Function<String, T> interpret) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new HaproxyException(address.text(), command, "the client was closed", null));
    }
    pending.add(result);
    result.whenComplete((value, failure) -> pending.remove(result));
    try {
      io.execute(() -> {
        try {
          result.complete(interpret.apply(exchange(command)));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new HaproxyException(address.text(), command, "the client was closed", e));
    }
    return result;
  }

  /** Runs commands pipelined on as few connections as the line limit allows; one answer per command. */
  private CompletableFuture<List<String>> pipeline(List<String> commands) {
    CompletableFuture<List<String>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (List<String> batch : batches(commands)) {
      String line = String.join(";", batch);
      all = all.thenCompose(done -> submit(line, answer -> {
        List<String> answers = splitAnswers(answer);
        if (answers.size() != batch.size()) {
          throw new HaproxyException(address.text(), line, "expected " + batch.size() + " answers, got "
              + answers.size() + ": " + answer.strip(), null);
        }
        done.addAll(answers);
        return done;
      }));
    }
    return all;
  }

  private static List<List<String>> batches(List<String> commands) {
    List<List<String>> batches = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    int length = 0;
    for (String command : commands) {
      if (!batch.isEmpty() && length + 1 + command.length() > MAX_LINE) {
        batches.add(batch);
        batch = new ArrayList<>();
        length = 0;
      }
      length += (batch.isEmpty() ? 0 : 1) + command.length();
      batch.add(command);
    }
    batches.add(batch);
    return batches;
  }

  /** One blocking exchange; the watchdog closes the channel at the deadline, which unblocks connect and read. */
  private String exchange(String command) {
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> deadline = null;
    boolean connected = false;
    try (SocketChannel channel = address.isUnix()
        ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
      deadline = watchdog.schedule(() -> {
        timedOut.set(true);
        try {
          channel.close();
        } catch (IOException ignored) {
          // Closing is all we can do; the blocked exchange fails either way.
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      channel.connect(address.socketAddress());
      connected = true;
      ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(16 * 1024);
      while (channel.read(in) >= 0) {
        in.flip();
        answer.write(in.array(), 0, in.limit());
        in.clear();
        if (answer.size() > MAX_ANSWER_BYTES) {
          throw new HaproxyException(address.text(), command, "answer longer than " + MAX_ANSWER_BYTES + " bytes",
              null);
        }
      }
      return answer.toString(StandardCharsets.UTF_8);
    } catch (ClosedByInterruptException e) {
      throw new HaproxyException(address.text(), command, "the client was closed", e);
    } catch (ClosedChannelException e) {
      if (timedOut.get()) {
        throw new HaproxyException(address.text(), command, (connected ? "no answer" : "could not connect")
            + " within " + timeout.toMillis() + " ms", e);
      }
      throw new HaproxyException(address.text(), command, "connection closed: " + e, e);
    } catch (IOException e) {
      throw new HaproxyException(address.text(), command,
          (connected ? "lost the connection: " : "could not connect: ") + e, e);
    } catch (UnresolvedAddressException e) {
      throw new HaproxyException(address.text(), command, "unknown host " + address.host(), e);
    } catch (RejectedExecutionException e) {
      throw new HaproxyException(address.text(), command, "the client was closed", e);
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------- parsing

  /** Where the runtime API listens: a unix socket path, or a TCP host and port. */
  record Address(String text, Path unixPath, String host, int port) {
    boolean isUnix() {
      return unixPath != null;
    }

    SocketAddress socketAddress() {
      return isUnix() ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
    }
  }

  static Address parseAddress(String address) {
    if (address == null) {
      throw new IllegalArgumentException("no HAProxy runtime API address (null)");
    }
    String text = address.strip();
    if (text.startsWith("unix:") && text.length() > "unix:".length()) {
      return new Address(text, Path.of(text.substring("unix:".length())), null, 0);
    }
    if (text.startsWith("/")) {
      return new Address(text, Path.of(text), null, 0);
    }
    Matcher m = HOST_PORT.matcher(text);
    if (m.matches()) {
      String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
      int port = Integer.parseInt(m.group(2));
      if (port >= 1 && port <= 65535 && !host.isBlank()) {
        return new Address(text, null, host, port);
      }
    }
    throw new IllegalArgumentException("not a HAProxy runtime API address: '" + address
        + "' (expected unix:/path/admin.sock, /path/admin.sock or host:port)");
  }

  private static void requireVerbatim(String what, String text) {
    if (text == null || !VERBATIM.matcher(text).matches()) {
      throw new IllegalArgumentException(what + " '" + text
          + "' must be non-empty printable ASCII without spaces, ';', '\\' or quotes");
    }
  }

  private static Map<String, String> singleEntry(String key, String value) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put(key, value);
    return entry;
  }

  /**
   * Cuts a pipelined answer into one answer per command: each ends with an empty line, and an empty answer
   * ({@code set map} succeeding) is that empty line alone. Each returned answer keeps its lines' newlines.
   */
  static List<String> splitAnswers(String raw) {
    List<String> answers = new ArrayList<>();
    String[] lines = raw.split("\n", -1);
    int count = raw.endsWith("\n") ? lines.length - 1 : lines.length;
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (lines[i].isEmpty()) {
        answers.add(current.toString());
        current.setLength(0);
      } else {
        current.append(lines[i]).append('\n');
      }
    }
    if (current.length() > 0) {
      answers.add(current.toString());
    }
    return answers;
  }

  /** {@code show map} lines: {@code 0x55d1c0a0e1f0 checkout/sheddable 40}. */
  static Map<String, String> parseMap(String answer) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : answer.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ", 3);
      if (parts.length >= 2) {
        entries.put(parts[1], parts.length == 3 ? parts[2] : "");
      }
    }
    return Collections.unmodifiableMap(entries);
  }

  /**
   * {@code show table} as HAProxy 2.6 prints it: a {@code # table: ...} header, then one line per entry, e.g.
   * {@code 0x55d1c0a0e1f0: key=critical use=0 exp=599885 gpc0=3 http_req_cnt=120 http_req_rate(1000)=5}.
   */
  static List<TableEntry> parseTable(String answer) {
    List<TableEntry> entries = new ArrayList<>();
    for (String line : answer.split("\n")) {
      int keyAt = line.indexOf(": key=");
      if (line.startsWith("#") || keyAt < 0) {
        continue;
      }
      int keyStart = keyAt + ": key=".length();
      int keyEnd = line.indexOf(" use=", keyStart);
      if (keyEnd < 0) {
        keyEnd = line.indexOf(' ', keyStart);
      }
      if (keyEnd < 0) {
        keyEnd = line.length();
      }
      Map<String, Long> counters = new LinkedHashMap<>();
      for (String field : line.substring(keyEnd).trim().split(" +")) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = field.substring(0, eq);
        if (name.equals("use") || name.equals("exp") || name.equals("shard")) {
          continue;
        }
        Matcher rate = RATE_PERIOD.matcher(name);
        if (rate.matches()) {
          name = rate.group(1);
        }
        try {
          counters.put(name, Long.parseLong(field.substring(eq + 1)));
        } catch (NumberFormatException notACounter) {
          // server_name=..., gpt with no value yet, and the like: not counters.
        }
      }
      entries.add(new TableEntry(line.substring(keyStart, keyEnd), counters));
    }
    return Collections.unmodifiableList(entries);
  }

  /** {@code show stat}: a {@code # pxname,svname,...} header, then CSV rows; each line ends with a comma. */
  static List<Map<String, String>> parseStat(String answer) {
    String[] lines = answer.split("\n");
    if (lines.length == 0 || !lines[0].startsWith("# ")) {
      return List.of();
    }
    List<String> header = new ArrayList<>(List.of(lines[0].substring(2).split(",", -1)));
    while (!header.isEmpty() && header.get(header.size() - 1).isEmpty()) {
      header.remove(header.size() - 1);
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] values = lines[i].split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), c < values.length ? values[c] : "");
      }
      rows.add(Collections.unmodifiableMap(row));
    }
    return Collections.unmodifiableList(rows);
  }
}
