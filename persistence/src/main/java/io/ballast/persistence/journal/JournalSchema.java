package io.ballast.persistence.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Creates the journal's tables when configuration asks for it ({@code ballast.persistence.schema-script}
 * names a script on the classpath; empty means the schema is managed outside Ballast). The embedded
 * journal uses this on every start: every statement is idempotent.
 */
public final class JournalSchema {

  private JournalSchema() {}

  public static CompletionStage<Done> ensure(ActorSystem<?> system) {
    String resource = system.settings().config().getString("ballast.persistence.schema-script");
    if (resource.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return SchemaUtils.applyScript(read(resource), system);
  }

  private static String read(String resource) {
    try (InputStream in = JournalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
