package io.ballast.controller.shedding;

import io.ballast.controller.service.ServiceEntity;
import io.ballast.persistence.event.InstanceCounts;
import io.ballast.persistence.event.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Turns what an HAProxy in front of a service counts into samples for it, so that the whole loop (HAProxy
 * measures, Ballast decides, HAProxy sheds) needs no other metrics pipeline.
 *
 * <p>Per priority class, a stick table keyed by the class counts requests offered ({@code http_req_cnt}) and
 * shed ({@code gpc0}); every {@code interval} their increase becomes one sample per class. The servers of the
 * service's backend give its instances: up ones ready, ones whose checks are coming up booting, ones in
 * maintenance or drain draining. Latency and concurrency are not split by class in HAProxy and are left out.
 * A counter that went down (HAProxy restarted) counts from zero.
 */
public final class HaproxyMetricsSource extends AbstractBehavior<HaproxyMetricsSource.Command> {

  public sealed interface Command {}

  private enum Poll implements Command { INSTANCE }

  private record Polled(List<HaproxyRuntime.TableEntry> table, List<Map<String, String>> stat, Instant at)
      implements Command {}

  private record PollFailed(Throwable error) implements Command {}

  public static Behavior<Command> create(SheddingSettings.HaproxyMetrics source, Set<String> priorityClasses,
      Duration writeTimeout, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, Poll.INSTANCE, source.interval());
      return new HaproxyMetricsSource(ctx, source, priorityClasses, writeTimeout, clock);
    }));
  }

  private final SheddingSettings.HaproxyMetrics source;
  private final Set<String> priorityClasses;
  private final Duration writeTimeout;
  private final Clock clock;
  private final HaproxyRuntime runtime;
  private final ClusterSharding sharding;
  private final String sourceName;
  /** Counters at the previous poll, by class: {offered, shed}. */
  private Map<String, long[]> previous;
  private boolean polling;
  private long unknownClasses;

  private HaproxyMetricsSource(ActorContext<Command> context, SheddingSettings.HaproxyMetrics source,
      Set<String> priorityClasses, Duration writeTimeout, Clock clock) {
    super(context);
    this.source = source;
    this.priorityClasses = Set.copyOf(priorityClasses);
    this.writeTimeout = writeTimeout;
    this.clock = clock;
    this.runtime = new HaproxyRuntime(source.address(), source.timeout());
    this.sharding = ClusterSharding.get(context.getSystem());
    this.sourceName = "haproxy@" + source.address().replaceAll("[^A-Za-z0-9._:/@-]", "_");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, this::poll)
        .onMessage(Polled.class, this::onPolled)
        .onMessage(PollFailed.class, f -> {
          polling = false;
          getContext().getLog().warn("reading {} for {} failed: {}", source.address(), source.service(),
              f.error().toString());
          return this;
        })
        .onSignal(PostStop.class, s -> {
          runtime.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> poll() {
    if (polling) {
      return this;
    }
    polling = true;
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    CompletableFuture<List<HaproxyRuntime.TableEntry>> table = runtime.showTable(source.table()).toCompletableFuture();
    CompletableFuture<List<Map<String, String>>> stat = runtime.showStat().toCompletableFuture();
    getContext().pipeToSelf(table.thenCombine(stat, (t, s) -> new Polled(t, s, at)),
        (polled, error) -> error == null ? polled : new PollFailed(error));
    return this;
  }

  private Behavior<Command> onPolled(Polled p) {
    polling = false;
    Map<String, long[]> now = new HashMap<>();
    for (HaproxyRuntime.TableEntry e : p.table()) {
      if (!priorityClasses.contains(e.key())) {
        unknownClasses++;
        continue;
      }
      now.put(e.key(), new long[] {e.counters().getOrDefault("http_req_cnt", 0L), e.counters().getOrDefault("gpc0", 0L)});
    }
    Map<String, long[]> before = previous;
    previous = now;
    if (before == null) {
      return this;
    }
    InstanceCounts instances = instances(p.stat(), source.backend());
    int period = (int) source.interval().toSeconds();
    List<Sample> samples = new ArrayList<>();
    for (Map.Entry<String, long[]> e : now.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[] {0, 0});
      long offered = increase(was[0], e.getValue()[0]);
      long shed = Math.min(offered, increase(was[1], e.getValue()[1]));
      samples.add(new Sample(p.at(), period, e.getKey(), sourceName, offered, shed, 0, null, null, null, null,
          instances));
    }
    if (!samples.isEmpty()) {
      sharding.entityRefFor(ServiceEntity.ENTITY_KEY, source.service())
          .<ServiceEntity.Recorded>askWithStatus(replyTo -> new ServiceEntity.RecordSamples(samples, replyTo),
              writeTimeout)
          .whenComplete((ok, error) -> {
            if (error != null) {
              getContext().getSystem().log().warn("samples from {} for {} were not recorded: {}", source.address(),
                  source.service(), error.toString());
            }
          });
    }
    return this;
  }

  private static long increase(long was, long is) {
    return is >= was ? is - was : is;
  }

  /** The servers of {@code backend} by state, as HAProxy's checks see them. */
  static InstanceCounts instances(List<Map<String, String>> stat, String backend) {
    int ready = 0;
    int booting = 0;
    int draining = 0;
    for (Map<String, String> row : stat) {
      String sv = row.getOrDefault("svname", "");
      if (!backend.equals(row.get("pxname")) || sv.equals("BACKEND") || sv.equals("FRONTEND")) {
        continue;
      }
      String status = row.getOrDefault("status", "");
      if (status.startsWith("UP") || status.equals("no check")) {
        ready++;
      } else if (status.startsWith("DOWN ") && status.contains("/")) {
        // "DOWN 1/2": checks are passing, the server is coming up.
        booting++;
      } else if (status.startsWith("MAINT") || status.startsWith("DRAIN") || status.startsWith("NOLB")) {
        draining++;
      }
    }
    return new InstanceCounts(ready, 0, booting, draining);
  }
}
