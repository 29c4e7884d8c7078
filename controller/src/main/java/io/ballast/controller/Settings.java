package io.ballast.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ballast.controller.ingest.IngestSettings;
import io.ballast.controller.remotewrite.RemoteWriteSettings;
import io.ballast.controller.service.EntitySettings;
import io.ballast.controller.shedding.SheddingSettings;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The node's configuration as typed, validated records, read once at start. A bad value stops the node
 * with a message that names the setting.
 */
public record Settings(String httpHost, int httpPort, IngestSettings ingest, EntitySettings entities,
    RemoteWriteSettings remoteWrite) {

  /** Service ids: 1 to 63 characters of lowercase letters, digits, '.', '_' and '-', starting alphanumeric. */
  public static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern PRIORITY_CLASS = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

  public static Settings create(Config config) {
    try {
      return read(config);
    } catch (ConfigException e) {
      throw new InvalidSettingsException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingsException(e.getMessage(), e);
    }
  }

  private static Settings read(Config config) {
    Config http = config.getConfig("ballast.http");
    int port = http.getInt("port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("ballast.http.port must be within [0, 65535], was " + port);
    }
    Config ingest = config.getConfig("ballast.ingest");
    var ingestSettings = new IngestSettings(
        bytes(ingest, "max-batch-bytes"),
        ingest.getInt("max-batch-samples"),
        ingest.getDuration("max-sample-age"),
        ingest.getDuration("max-clock-skew"),
        ingest.getDuration("write-timeout"),
        ingest.getDuration("retry-after"),
        priorityClasses(config));

    Config observation = config.getConfig("ballast.observation");
    PolicyConfig.Catalog policies = PolicyConfig.read(config.getConfig("ballast.policy"));
    ActuationConfig.Catalog actuation = ActuationConfig.read(config.getConfig("ballast.actuation"));
    SheddingSettings shedding = SheddingConfig.read(config.getConfig("ballast.shedding"));
    var entities = new EntitySettings(
        observation.getDuration("window"),
        observation.getDuration("grace"),
        observation.getDuration("tick-interval"),
        priorityClasses(config),
        config.getInt("ballast.persistence.snapshot-every"),
        policies.defaults(),
        policies.services(),
        actuation.defaults(),
        actuation.services(),
        shedding);
    return new Settings(http.getString("host"), port, ingestSettings, entities,
        RemoteWriteSettings.from(config, priorityClasses(config)));
  }

  private static List<String> priorityClasses(Config config) {
    List<String> classes = config.getStringList("ballast.observation.priority-classes");
    if (classes.isEmpty()) {
      throw new IllegalArgumentException("ballast.observation.priority-classes must name at least one class");
    }
    if (new HashSet<>(classes).size() != classes.size()) {
      throw new IllegalArgumentException("ballast.observation.priority-classes has a class twice: " + classes);
    }
    for (String c : classes) {
      if (!PRIORITY_CLASS.matcher(c).matches()) {
        throw new IllegalArgumentException("ballast.observation.priority-classes: '" + c
            + "' must be 1 to 32 lowercase letters, digits, '.', '_' or '-'");
      }
    }
    return classes;
  }

  private static int bytes(Config c, String key) {
    long value = c.getBytes(key);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ballast.ingest." + key + " must be within [1, 2g), was " + value);
    }
    return (int) value;
  }

  /** A setting is missing, of the wrong type, or makes no sense. */
  public static final class InvalidSettingsException extends RuntimeException {
    InvalidSettingsException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
