package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import com.example.vega.health.checks.internal.AwsFailures;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * "The runner should call the LLM proxy, not the AI provider directly": the runner's task
 * definition (ECS DescribeTaskDefinition of {@code VEGA_RUNNER_TASK_DEFINITION}) must point
 * {@code VEGA_LLM_PROXY_BASE_URL} at the proxy, name no provider host in any setting, and hold no
 * provider API key (the proxy holds it). Values are never printed, only setting names and hosts.
 */
final class EgressHop {
  static final String HOP = "runner egress";
  /** Provider API hosts (and their subdomains) the runner must not call itself. */
  static final List<String> PROVIDER_DOMAINS = List.of("openai.com", "anthropic.com", "openai.azure.com",
      "generativelanguage.googleapis.com", "aiplatform.googleapis.com", "mistral.ai", "cohere.ai", "cohere.com",
      "groq.com", "deepseek.com", "x.ai");
  private static final Pattern BEDROCK = Pattern.compile("bedrock-runtime(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com");
  /** Settings that hold a provider's key: the runner has no business with them. */
  static final Set<String> PROVIDER_KEYS = Set.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY",
      "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "COHERE_API_KEY", "GROQ_API_KEY", "VEGA_PROVIDER_API_KEY");

  private EgressHop() {}

  static Hop runner(Context ctx, String taskDefinition) throws CannotRun {
    long start = System.nanoTime();
    TaskDefinition td;
    try {
      td = ctx.aws(a -> a.ecs()).describeTaskDefinition(b -> b.taskDefinition(taskDefinition)).taskDefinition();
    } catch (SdkException e) {
      // ECS says ClientException for a task definition it does not have.
      if ("ClientException".equals(AwsFailures.errorCode(e))) {
        return Hop.of(HOP, Status.DOWN, Hop.since(start), "ECS has no task definition " + taskDefinition,
            Runbook.RUNNER_TASK_DEFINITION_MISSING.text());
      }
      return Failure.aws(e, "ECS", "ecs:DescribeTaskDefinition").hop(HOP, Hop.since(start), ctx);
    }
    long ms = Hop.since(start);
    String name = td.family() + ":" + td.revision();
    List<String> direct = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> proxies = new ArrayList<>();
    List<String> malformed = new ArrayList<>();
    for (ContainerDefinition c : td.containerDefinitions()) {
      String container = Text.oneLine(c.name(), 80);
      for (KeyValuePair kv : c.environment()) {
        String k = kv.name() == null ? "" : Text.oneLine(kv.name(), 80);
        String host = host(kv.value());
        if (PROVIDER_KEYS.contains(k)) {
          keys.add(k + " (environment of " + container + ")");
        }
        if (host != null && isProvider(host)) {
          direct.add(k + " → " + host + " (container " + container + ")");
        }
        if (k.equals(Settings.LLM_PROXY_BASE_URL)) {
          if (host == null) {
            malformed.add(container);
          } else {
            proxies.add(host + " (container " + container + ")");
          }
        }
      }
      for (Secret s : c.secrets()) {
        if (s.name() != null && PROVIDER_KEYS.contains(s.name())) {
          keys.add(Text.oneLine(s.name(), 80) + " (secret of " + container + ")");
        }
      }
    }
    if (!direct.isEmpty()) {
      return new Hop(HOP, Status.DOWN, ms, name + " sends LLM calls to the provider directly: "
          + String.join(", ", direct), Runbook.RUNNER_EGRESS_PROVIDER.text(), List.of());
    }
    if (!keys.isEmpty()) {
      return new Hop(HOP, Status.DOWN, ms, name + " holds a provider API key: " + String.join(", ", keys),
          Runbook.RUNNER_EGRESS_KEY.text(), List.of());
    }
    if (!malformed.isEmpty()) {
      return Hop.of(HOP, Status.DOWN, ms, name + ": VEGA_LLM_PROXY_BASE_URL is not an http(s) URL (container "
          + String.join(", ", malformed) + ")", Runbook.RUNNER_EGRESS_UNSET.text());
    }
    if (proxies.isEmpty()) {
      return Hop.of(HOP, Status.DOWN, ms, name + " does not set VEGA_LLM_PROXY_BASE_URL",
          Runbook.RUNNER_EGRESS_UNSET.text());
    }
    return Hop.up(HOP, ms, name + ": VEGA_LLM_PROXY_BASE_URL → " + String.join(", ", proxies)
        + ", no provider host or key");
  }

  /** The host of an http(s) URL, lower case; null when the value is not one. */
  static @Nullable String host(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      URI u = new URI(value.trim());
      if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
          || u.getHost() == null) {
        return null;
      }
      return u.getHost().toLowerCase(Locale.ROOT);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static boolean isProvider(String host) {
    for (String d : PROVIDER_DOMAINS) {
      if (host.equals(d) || host.endsWith("." + d)) {
        return true;
      }
    }
    return BEDROCK.matcher(host).matches();
  }
}
