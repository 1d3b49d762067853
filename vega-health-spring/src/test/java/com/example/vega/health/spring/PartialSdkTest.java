package com.example.vega.health.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.checks.VegaChecks;
import com.example.vega.health.testing.ChildProcess;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An application with only some AWS SDK modules: the client beans it has are found, and the
 * modules it lacks are never loaded (no NoClassDefFoundError at startup). Run in a child JVM
 * whose class path lacks the ECS, IAM and Cognito modules.
 */
class PartialSdkTest {
  private static final String[] DROPPED = {"/awssdk/ecs/", "/awssdk/iam/", "/awssdk/cognitoidentityprovider/"};

  /** Looks the client beans up with an SqsClient bean registered; prints which clients were found. */
  public static final class Probe {
    public static void main(String[] args) {
      DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
      try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1)
          .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
        beans.registerSingleton("sqs", sqs);
        VegaChecks.Clients c = VegaHealthAutoConfiguration.AwsClientBeans.clients(beans);
        System.out.println("sqs=" + (c.sqs() != null) + " ecs=" + (c.ecs() != null) + " iam=" + (c.iam() != null));
      }
    }
  }

  @Test
  void missingSdkModulesAreSkippedAndThePresentClientIsFound() throws Exception {
    String full = System.getProperty("java.class.path");
    assertThat(full).as("the modules this test drops are on the test class path").contains(DROPPED);
    String cp = Arrays.stream(full.split(File.pathSeparator))
        .filter(e -> Arrays.stream(DROPPED).noneMatch(d -> e.replace('\\', '/').contains(d)))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(cp).doesNotContain("/awssdk/ecs/").contains("/awssdk/sqs/");
    ChildProcess.Result r = ChildProcess.builder("Probe",
        List.of(System.getProperty("java.home") + "/bin/java", "-cp", cp, Probe.class.getName()))
        .timeout(Duration.ofMinutes(2)).run();
    String out = r.out();
    assertThat(r.exit()).as(out).isZero();
    assertThat(out).contains("sqs=true ecs=false iam=false");
  }
}
