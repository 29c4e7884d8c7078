package io.ballast.controller.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's own metrics for Prometheus to scrape, in whichever exposition format the
 * scraper's {@code Accept} asks for (Prometheus text, OpenMetrics or protobuf), written by the Prometheus Java
 * client. The registry belongs to the node, not to the JVM, so that nodes sharing a JVM in tests do not mix.
 */
public final class MetricsRoutes {

  private final PrometheusRegistry registry;
  private final Guard guard;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsRoutes(PrometheusRegistry registry, Guard guard) {
    this.registry = registry;
    this.guard = guard;
  }

  /** A registry with the JVM's metrics (memory, GC, threads, class loading, process CPU and file descriptors). */
  public static PrometheusRegistry registryWithJvmMetrics() {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    return registry;
  }

  public Route route() {
    return Directives.path("metrics", () -> Directives.get(() -> guard.allow(Endpoint.METRICS, p ->
        Directives.optionalHeaderValueByName("Accept", accept -> Directives.complete(scrape(accept.orElse(null)))))));
  }

  private HttpResponse scrape(String accept) {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ContentType type = ContentTypes.parse(writer.getContentType());
    return HttpResponse.create().withEntity(HttpEntities.create(type, out.toByteArray()));
  }
}
