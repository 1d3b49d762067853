package com.example.vega.health.agent.doctor;

import com.example.vega.health.VegaSettings;
import com.example.vega.health.agent.AwsSdk;
import com.example.vega.health.agent.Text;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What every hop of one doctor run shares: the settings, the environment's names, the time budget,
 * the AWS clients (built once, on first use), what earlier hops found out ({@link Fact}s), the
 * notes printed before the hops, and the secrets masked in everything printed.
 */
final class Context implements AutoCloseable {
  /** Something one hop finds out and a later one reads (the API's service, its target group). */
  record Fact<T>(String name, Class<T> type) {}

  final VegaSettings settings;
  final String environment;
  final Duration timeout;
  final Clock clock;
  private final @Nullable PrintStream progress;
  private final List<String> notes = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private final Map<Fact<?>, Object> facts = new HashMap<>();
  private @Nullable AwsSdk aws;

  Context(VegaSettings settings, Duration timeout, Clock clock, @Nullable PrintStream progress) {
    this.settings = settings;
    String env = settings.value(Settings.ENVIRONMENT);
    this.environment = env == null ? "dev" : env;
    this.timeout = timeout;
    this.clock = clock;
    this.progress = progress;
  }

  @Nullable String setting(String key) {
    return settings.value(key);
  }

  /** VEGA_ECS_CLUSTER, or the runbook's placeholder for it. */
  String clusterOrPlaceholder() {
    String c = setting(Settings.ECS_CLUSTER);
    return c == null ? "<cluster>" : c;
  }

  String region() {
    String r = setting("AWS_REGION");
    if (r == null) {
      r = setting("AWS_DEFAULT_REGION");
    }
    return r == null ? "<region>" : r;
  }

  /** The log group the runbook names for a service: {@code /vega/<env>/<service>}. */
  String logGroup(String service) {
    return "/vega/" + environment + "/" + service;
  }

  /** An AWS client from the shared {@link AwsSdk}; no region or credentials is "could not run". */
  <C> C aws(Function<AwsSdk, C> client) throws CannotRun {
    try {
      if (aws == null) {
        aws = new AwsSdk(settings::value);
      }
      return client.apply(aws);
    } catch (RuntimeException e) {
      throw new CannotRun("no AWS client: " + (region().equals("<region>") ? "AWS_REGION is not set"
          : Failure.sentence(e)) + " (set AWS_REGION and credentials for the environment, e.g. AWS_PROFILE)");
    }
  }

  void note(String note) {
    notes.add(note);
  }

  /** A value never to print (a password, a token): masked in the report. */
  void secret(@Nullable String value) {
    if (value != null && value.length() >= 4) {
      secrets.add(value);
    }
  }

  void progress(String line) {
    if (progress != null) {
      progress.println("… " + line);
    }
  }

  <T> void remember(Fact<T> fact, T value) {
    facts.put(fact, value);
  }

  <T> @Nullable T fact(Fact<T> fact) {
    return fact.type().cast(facts.get(fact));
  }

  /** A fact an earlier, stopping step established: the walk does not reach this step without it. */
  <T> T established(Fact<T> fact) {
    T value = fact(fact);
    if (value == null) {
      throw new IllegalStateException(fact.name() + " was not established by an earlier step");
    }
    return value;
  }

  String mask(String s) {
    String r = s;
    for (String x : secrets) {
      r = r.replace(x, "****");
    }
    return r;
  }

  /** The run's report: every hop and note masked. */
  Report report(String title, List<Hop> hops) {
    List<Hop> clean = new ArrayList<>();
    for (Hop h : hops) {
      List<String> ev = new ArrayList<>();
      for (String e : h.evidence()) {
        ev.add(mask(e));
      }
      clean.add(new Hop(h.name(), h.status(), h.latencyMs(), mask(h.detail()), mask(h.hint()), ev));
    }
    List<String> n = new ArrayList<>();
    for (String s : notes) {
      n.add(mask(s));
    }
    return new Report(Text.oneLine(title, 200), clean, n);
  }

  @Override
  public void close() {
    if (aws != null) {
      aws.close();
    }
  }
}
