package io.ballast.controller.actuation;

import java.net.URI;
import java.time.Duration;

/**
 * How one service's decisions reach its target.
 *
 * @param target where the count is written; {@code null}: nowhere (decisions are made and recorded only)
 * @param dryRun decisions are made and recorded, the target is read, nothing is written
 * @param writesPerSecond the token bucket's rate: writes per second the target gets at most
 * @param burst the token bucket's size: writes that may go at once
 * @param backoffMin the first retry waits about this long, each next one twice as long (with jitter)
 * @param backoffMax up to this long
 * @param circuitFailures consecutive failures that open the circuit: writes stop for {@code circuitOpenFor}
 * @param confirmWithin a written count must be ready capacity within this long, or it is recorded as short
 * @param readInterval how often the target's instances are read back
 * @param callTimeout how long one call to the target may take
 */
public record ActuationSettings(
    TargetSettings target,
    boolean dryRun,
    double writesPerSecond,
    int burst,
    Duration backoffMin,
    Duration backoffMax,
    int circuitFailures,
    Duration circuitOpenFor,
    Duration confirmWithin,
    Duration readInterval,
    Duration callTimeout) {

  public ActuationSettings {
    require(writesPerSecond > 0 && Double.isFinite(writesPerSecond), "writes-per-second must be > 0, was " + writesPerSecond);
    require(burst >= 1, "burst must be >= 1, was " + burst);
    positive("backoff.min", backoffMin);
    positive("backoff.max", backoffMax);
    require(backoffMax.compareTo(backoffMin) >= 0, "backoff.max must be >= backoff.min");
    require(circuitFailures >= 1, "circuit-breaker.failures must be >= 1, was " + circuitFailures);
    positive("circuit-breaker.open-for", circuitOpenFor);
    positive("confirm-within", confirmWithin);
    positive("read-interval", readInterval);
    positive("call-timeout", callTimeout);
  }

  /** Nowhere to write: decisions are made and recorded only. */
  public static ActuationSettings none() {
    return new ActuationSettings(null, false, 1, 3, Duration.ofSeconds(1), Duration.ofSeconds(60), 5,
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(15), Duration.ofSeconds(10));
  }

  private static void positive(String name, Duration d) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be > 0, was " + d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A target and how to reach it. */
  public sealed interface TargetSettings
      permits Kubernetes, AwsAutoScaling, GcpInstanceGroup, AzureScaleSet, Webhook {

    /** The target in words, as its adapter describes it in events: {@code kubernetes deployment shop/checkout}. */
    String describe();
  }

  /**
   * A Deployment or StatefulSet's scale subresource.
   *
   * @param context the kubeconfig context, or {@code null} for the default (in a pod: its service account)
   */
  public record Kubernetes(String kind, String namespace, String name, String context) implements TargetSettings {
    public Kubernetes {
      require(kind.equals("deployment") || kind.equals("statefulset"),
          "kubernetes.kind must be deployment or statefulset, was '" + kind + "'");
      require(!namespace.isBlank(), "kubernetes.namespace is required");
      require(!name.isBlank(), "kubernetes.name is required");
    }

    @Override
    public String describe() {
      return "kubernetes " + kind + " " + namespace + "/" + name;
    }
  }

  /**
   * An EC2 Auto Scaling group.
   *
   * @param endpoint an endpoint other than the region's (a VPC endpoint), or {@code null}
   */
  public record AwsAutoScaling(String group, String region, boolean honorCooldown, URI endpoint)
      implements TargetSettings {
    public AwsAutoScaling {
      require(!group.isBlank(), "aws-autoscaling.group is required");
      require(!region.isBlank(), "aws-autoscaling.region is required");
    }

    @Override
    public String describe() {
      return "aws autoscaling group " + group + " (" + region + ")";
    }
  }

  /**
   * A GCP managed instance group, zonal ({@code zone}) or regional ({@code region}): exactly one of them.
   *
   * @param credentials {@code default} (application default credentials) or {@code none} (an emulator)
   */
  public record GcpInstanceGroup(String project, String zone, String region, String name, URI endpoint,
      String credentials) implements TargetSettings {
    public GcpInstanceGroup {
      require(!project.isBlank(), "gcp-mig.project is required");
      require(!name.isBlank(), "gcp-mig.name is required");
      require((zone == null) != (region == null), "gcp-mig needs exactly one of zone and region");
      require(credentials.equals("default") || credentials.equals("none"),
          "gcp-mig.credentials must be default or none, was '" + credentials + "'");
    }

    @Override
    public String describe() {
      return "gcp mig " + project + "/" + (zone != null ? zone : region) + "/" + name;
    }
  }

  /**
   * An Azure virtual machine scale set.
   *
   * @param credentials {@code default} (DefaultAzureCredential) or {@code none} (an emulator)
   */
  public record AzureScaleSet(String subscriptionId, String resourceGroup, String name, URI endpoint, String apiVersion,
      String credentials) implements TargetSettings {
    public AzureScaleSet {
      require(!subscriptionId.isBlank(), "azure-vmss.subscription-id is required");
      require(!resourceGroup.isBlank(), "azure-vmss.resource-group is required");
      require(!name.isBlank(), "azure-vmss.name is required");
      require(credentials.equals("default") || credentials.equals("none"),
          "azure-vmss.credentials must be default or none, was '" + credentials + "'");
    }

    @Override
    public String describe() {
      return "azure vmss " + resourceGroup + "/" + name;
    }
  }

  /**
   * A webhook: Ballast POSTs each count as JSON, signed with HMAC-SHA256 over {@code secret}.
   *
   * @param readUrl where the receiver reports its instances (GET), or {@code null}
   */
  public record Webhook(URI url, String secret, URI readUrl) implements TargetSettings {
    public Webhook {
      require(url.getScheme() != null && (url.getScheme().equals("https") || url.getScheme().equals("http")),
          "webhook.url must be an http or https URL, was '" + url + "'");
      require(secret != null && secret.length() >= 16, "webhook.secret must be at least 16 characters");
    }

    @Override
    public String describe() {
      return "webhook " + url;
    }

    /** Never print the secret. */
    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secret=<redacted>, readUrl=" + readUrl + "]";
    }
  }
}
