package com.example.vega.health.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.VegaRole;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.testing.FleetFakes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The budget table of docs/checks.md, computed from the role profiles' own defaults (intervals and
 * each check's {@code callsPerRun()}, every optional client given): per role, the calls per minute
 * of one task per API, the database round trips, and what 100 tasks cost per month at list prices.
 * Fails when the docs say otherwise; the table it computed is in {@code target/budget.md}.
 */
class BudgetTest {
  static final String BEGIN = "<!-- budget:begin -->";
  static final String END = "<!-- budget:end -->";
  static final int TASKS = 100;
  /** A month of 30 days. */
  static final long MINUTES_PER_MONTH = 30L * 24 * 60;

  /**
   * USD per million requests: AWS list prices for us-east-1 (standard tiers, no free tier) as the
   * author knew them in 2025, from the services' public pricing pages; not re-checked here (this
   * machine has no web access). Calls that are not billed per request are 0.
   */
  static final Map<String, BigDecimal> PRICES = Map.ofEntries(
      Map.entry("sqs:GetQueueAttributes", new BigDecimal("0.40")),
      Map.entry("cloudwatch:GetMetricStatistics", new BigDecimal("10.00")),
      Map.entry("s3:HeadBucket", new BigDecimal("0.40")),
      Map.entry("s3:HeadObject", new BigDecimal("0.40")),
      Map.entry("s3:PutObject", new BigDecimal("5.00")),
      Map.entry("s3:DeleteObject", BigDecimal.ZERO),
      Map.entry("secretsmanager:DescribeSecret", new BigDecimal("5.00")),
      Map.entry("secretsmanager:GetSecretValue", new BigDecimal("5.00")),
      Map.entry("ecs:DescribeClusters", BigDecimal.ZERO),
      Map.entry("ecs:DescribeTaskDefinition", BigDecimal.ZERO),
      Map.entry("ecs:DescribeTasks", BigDecimal.ZERO),
      Map.entry("ecs:StopTask", BigDecimal.ZERO),
      Map.entry("iam:SimulatePrincipalPolicy", BigDecimal.ZERO),
      Map.entry("cognito-idp:GET jwks.json", BigDecimal.ZERO),
      Map.entry("llm-proxy:GET /v1/health", BigDecimal.ZERO),
      Map.entry("postgres:query", BigDecimal.ZERO));

  /** Calls per minute of one task of {@code role}, per API, from the profile's intervals and declarations. */
  static Map<String, BigDecimal> perMinute(VegaRole role) {
    Map<String, BigDecimal> out = new TreeMap<>();
    List<CheckRegistration> regs = VegaChecks.forRole(role, FleetFakes.settings(role),
        FleetFakes.clients(api -> {}, new FleetFakes.Faults()));
    for (CheckRegistration r : regs) {
      BigDecimal runsPerMinute = BigDecimal.valueOf(60_000).divide(BigDecimal.valueOf(r.policy().interval().toMillis()),
          6, RoundingMode.HALF_UP);
      for (DependencyCall c : r.check().callsPerRun()) {
        out.merge(c.api(), runsPerMinute.multiply(BigDecimal.valueOf(c.perRun())), BigDecimal::add);
      }
    }
    return out;
  }

  static String table() {
    StringBuilder s = new StringBuilder();
    s.append("| role | API | calls/min, one task | calls/month, ").append(TASKS).append(" tasks | USD per million "
        + "| USD/month, ").append(TASKS).append(" tasks |\n|---|---|---:|---:|---:|---:|\n");
    for (VegaRole role : VegaRole.values()) {
      BigDecimal total = BigDecimal.ZERO;
      for (Map.Entry<String, BigDecimal> e : perMinute(role).entrySet()) {
        BigDecimal price = PRICES.get(e.getKey());
        assertThat(price).as("no list price for " + e.getKey() + ": add it to BudgetTest.PRICES").isNotNull();
        BigDecimal month = e.getValue().multiply(BigDecimal.valueOf(MINUTES_PER_MONTH * TASKS));
        BigDecimal cost = month.multiply(price).divide(BigDecimal.valueOf(1_000_000), 2, RoundingMode.HALF_UP);
        total = total.add(cost);
        boolean db = e.getKey().startsWith("postgres:");
        s.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s |%n", role.hintName(),
            db ? "postgres: round trips" : e.getKey(), plain(e.getValue()), month.setScale(0, RoundingMode.HALF_UP)
                .longValueExact(), db ? "(instance)" : price.setScale(2, RoundingMode.HALF_UP).toPlainString(),
            cost.signum() == 0 ? "0" : cost.toPlainString()));
      }
      s.append(String.format(Locale.ROOT, "| **%s** | **all** | | | | **%s** |%n", role.hintName(),
          total.setScale(2, RoundingMode.HALF_UP).toPlainString()));
    }
    return s.toString();
  }

  private static String plain(BigDecimal v) {
    BigDecimal r = v.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return r.scale() < 0 ? r.setScale(0).toPlainString() : r.toPlainString();
  }

  @Test
  void theBudgetTableInTheDocsIsTheOneTheRoleProfilesImply() throws IOException {
    String computed = table();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "budget.md"), computed);
    String docs = Files.readString(Path.of("..", "docs", "checks.md"));
    assertThat(docs).as("docs/checks.md marks the budget table").contains(BEGIN).contains(END);
    String documented = docs.substring(docs.indexOf(BEGIN) + BEGIN.length(), docs.indexOf(END));
    // The table is the block's last part, after the prose that states the assumptions and prices.
    String table = documented.substring(documented.indexOf("| role |"));
    assertThat(table.strip()).as("docs/checks.md's budget table (the computed one is in target/budget.md)")
        .isEqualTo(computed.strip());
  }

  @Test
  void everyApiARoleCallsHasAPriceAndTheWorkerPaysMostForCloudWatch() {
    Map<String, BigDecimal> worker = perMinute(VegaRole.WORKER);
    assertThat(worker).containsEntry("cloudwatch:GetMetricStatistics", new BigDecimal("2.000000"))
        .containsEntry("sqs:GetQueueAttributes", new BigDecimal("2.000000"))
        .containsEntry("iam:SimulatePrincipalPolicy", new BigDecimal("3.000000"))
        .containsEntry("postgres:query", new BigDecimal("12.000000"));
    Map<String, BigDecimal> all = new LinkedHashMap<>();
    for (VegaRole r : VegaRole.values()) {
      all.putAll(perMinute(r));
    }
    assertThat(PRICES).containsKeys(all.keySet().toArray(String[]::new));
  }
}
