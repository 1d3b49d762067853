package com.example.vega.health.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.CheckRegistration;
import com.example.vega.health.VegaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest {

  /** A worker's settings; the clients are built but nothing is called (no check runs before start). */
  private static final Map<String, String> WORKER = Map.of(
      "VEGA_HEALTH_ROLE", "worker", "VEGA_HEALTH_PORT", "0", "VEGA_ENVIRONMENT", "test",
      "VEGA_SQS_QUEUE_URL", "https://sqs.us-west-1.amazonaws.com/123456789012/vega-test-scans",
      "VEGA_SCAN_WORKER_EXECUTION_MODE", "local",
      "AWS_REGION", "us-west-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");

  @Test
  void theAgentsOwnAwsClientsServeItsChecksAndAreClosedWithIt() throws Exception {
    VegaSettings settings = VegaSettings.of(WORKER);
    List<String> problems = new ArrayList<>();
    AgentRuntime runtime = AgentRuntime.start(AgentConfig.from(settings), settings, problems);
    try {
      assertThat(runtime.monitor().snapshot().checks()).extracting(c -> c.registration().name())
          .contains("config", "sqs");
      assertThat(runtime.aws().open()).as("SQS, CloudWatch and their HTTP client").isEqualTo(3);
    } finally {
      runtime.close();
    }
    assertThat(runtime.aws().open()).isZero();
    assertThat(problems).isEmpty();
  }

  @Test
  void aRoleWithoutAwsSettingsBuildsNoAwsClient() {
    RoleChecks.Built built;
    try (AwsSdk aws = new AwsSdk(Map.of("AWS_REGION", "us-west-1")::get)) {
      built = RoleChecks.forRole(com.example.vega.health.VegaRole.MAINTENANCE,
          VegaSettings.of(Map.of("VEGA_ENVIRONMENT", "test")), () -> aws);
      assertThat(aws.open()).isZero();
    }
    assertThat(built.checks()).extracting(CheckRegistration::name).containsExactly("config", "jvm-deadlock");
  }
}
