package io.ballast.controller.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Address and answer parsing of the runtime API client, on text captured from HAProxy 2.6.12; no server. */
class HaproxyRuntimeTest {

  @Test
  void aUnixAddressMayBeGivenWithOrWithoutTheUnixPrefix() {
    HaproxyRuntime.Address prefixed = HaproxyRuntime.parseAddress("unix:/run/haproxy/admin.sock");
    HaproxyRuntime.Address bare = HaproxyRuntime.parseAddress("/run/haproxy/admin.sock");

    assertThat(prefixed.isUnix()).isTrue();
    assertThat(prefixed.unixPath()).isEqualTo(Path.of("/run/haproxy/admin.sock"));
    assertThat(bare.unixPath()).isEqualTo(Path.of("/run/haproxy/admin.sock"));
    assertThat(bare.socketAddress()).isEqualTo(UnixDomainSocketAddress.of("/run/haproxy/admin.sock"));
  }

  @Test
  void aTcpAddressIsHostColonPortAndIpv6HostsAreBracketed() {
    HaproxyRuntime.Address v4 = HaproxyRuntime.parseAddress("127.0.0.1:9999");
    HaproxyRuntime.Address v6 = HaproxyRuntime.parseAddress("[::1]:9999");
    HaproxyRuntime.Address named = HaproxyRuntime.parseAddress("haproxy.internal:9999");

    assertThat(v4.isUnix()).isFalse();
    assertThat(v4.host()).isEqualTo("127.0.0.1");
    assertThat(v4.port()).isEqualTo(9999);
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(named.host()).isEqualTo("haproxy.internal");
    assertThat(v4.socketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 9999));
  }

  @Test
  void aBadAddressIsRejectedWithAMessageNamingIt() {
    for (String bad : new String[] {"", "localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "unix:",
        "::1:9999", "host:port", "relative/admin.sock"}) {
      assertThatThrownBy(() -> new HaproxyRuntime(bad, Duration.ofSeconds(1)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> new HaproxyRuntime(null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mapKeysAndValuesThatWouldBreakTheCommandLineAreRejectedBeforeAnythingIsSent() {
    try (HaproxyRuntime runtime = new HaproxyRuntime("127.0.0.1:9", Duration.ofSeconds(1))) {
      for (String bad : new String[] {"a b", "a;b", "a\nb", "", "a\\b", "a\"b", "é"}) {
        assertThatThrownBy(() -> runtime.setMap("/etc/haproxy/shed.map", "checkout/sheddable", bad))
            .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("map value");
        assertThatThrownBy(() -> runtime.setMap("/etc/haproxy/shed.map", bad, "40"))
            .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("map key");
        assertThatThrownBy(() -> runtime.setMapEntries(bad, Map.of("checkout/sheddable", "40")))
            .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("map");
      }
      assertThatThrownBy(() -> runtime.command("show info\nshow stat"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void pipelinedAnswersAreCutAtTheirEmptyLines() {
    // "set map a;set map missing;set map b;show map" as HAProxy 2.6 answers it.
    String raw = "\nentry not found.\n\n\n0x560b57a191f0 checkout/retry-after 7\n0x7f4710047be0 checkout/x 2\n\n";

    assertThat(HaproxyRuntime.splitAnswers(raw)).containsExactly("", "entry not found.\n", "",
        "0x560b57a191f0 checkout/retry-after 7\n0x7f4710047be0 checkout/x 2\n");
    assertThat(HaproxyRuntime.splitAnswers("\n")).containsExactly("");
    assertThat(HaproxyRuntime.splitAnswers("Unknown map identifier. Please use #<id> or <file>.\n\n"))
        .containsExactly("Unknown map identifier. Please use #<id> or <file>.\n");
  }

  @Test
  void showMapBecomesKeyToValueInHaproxysOrder() {
    String answer = "0x560b57a191f0 checkout/retry-after 7\n0x7f4710047be0 checkout/sheddable 100\n"
        + "0x7f4710047d70 checkout/critical 0\n\n";

    assertThat(HaproxyRuntime.parseMap(answer)).containsExactly(Map.entry("checkout/retry-after", "7"),
        Map.entry("checkout/sheddable", "100"), Map.entry("checkout/critical", "0"));
    assertThat(HaproxyRuntime.parseMap("\n")).isEmpty();
  }

  @Test
  void showTableBecomesEntriesWithTheirCountersAndRatesLoseTheirPeriod() {
    String answer = "# table: priorities, type: string, size:100, used:2\n"
        + "0x560b57bf9218: key=critical use=0 exp=599885 gpc0=0 http_req_cnt=1 http_req_rate(1000)=1\n"
        + "0x7f4710043218: key=sheddable use=2 exp=599900 shard=0 gpc0=90 http_req_cnt=205 http_req_rate(1000)=128"
        + " server_name=s1 gpt0=\n\n";

    List<HaproxyRuntime.TableEntry> entries = HaproxyRuntime.parseTable(answer);

    assertThat(entries).extracting(HaproxyRuntime.TableEntry::key).containsExactly("critical", "sheddable");
    assertThat(entries.get(0).counters()).containsExactly(Map.entry("gpc0", 0L), Map.entry("http_req_cnt", 1L),
        Map.entry("http_req_rate", 1L));
    assertThat(entries.get(1).counters()).containsExactly(Map.entry("gpc0", 90L), Map.entry("http_req_cnt", 205L),
        Map.entry("http_req_rate", 128L));
    assertThat(HaproxyRuntime.parseTable("# table: priorities, type: string, size:100, used:0\n\n")).isEmpty();
  }

  @Test
  void showStatBecomesRowsKeyedByTheCsvHeader() {
    String answer = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,hrsp_5xx,rtime,ttime,\n"
        + "fe,FRONTEND,,,0,2,9985,207,OPEN,85,,,\n"
        + "be,s1,0,0,0,3,,122,no check,0,1,2,\n"
        + "be,BACKEND,0,0,0,3,999,122,UP,0,1,2,\n\n";

    List<Map<String, String>> rows = HaproxyRuntime.parseStat(answer);

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).containsEntry("pxname", "fe").containsEntry("svname", "FRONTEND")
        .containsEntry("stot", "207").containsEntry("hrsp_5xx", "85").containsEntry("rtime", "");
    assertThat(rows.get(1)).containsEntry("svname", "s1").containsEntry("status", "no check")
        .containsEntry("ttime", "2");
    assertThat(rows.get(2).keySet()).containsExactly("pxname", "svname", "qcur", "qmax", "scur", "smax", "slim",
        "stot", "status", "hrsp_5xx", "rtime", "ttime");
  }

  @Test
  void aServerThatAcceptsButNeverAnswersFailsTheStageAtTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        HaproxyRuntime runtime = new HaproxyRuntime("127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300))) {
      CompletableFuture<String> answer = runtime.command("show info").toCompletableFuture();

      assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(HaproxyException.class)
          .hasMessageContaining("no answer within 300 ms")
          .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
    }
  }

  @Test
  void aClosedClientFailsNewCommandsInsteadOfHanging() {
    HaproxyRuntime runtime = new HaproxyRuntime("127.0.0.1:9", Duration.ofSeconds(1));
    runtime.close();

    assertThatThrownBy(() -> runtime.command("show info").toCompletableFuture().join())
        .hasCauseInstanceOf(HaproxyException.class)
        .hasMessageContaining("closed");
  }
}
