package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.Caller;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a check of a role profile builds itself from: the role, its settings, the service's clients
 * and who calls (for hints). A check that needs a client the service did not give asks for it
 * through {@link #client}, which notes the gap for the config check.
 */
final class Profile {
  private final VegaRole role;
  private final VegaSettings settings;
  private final VegaChecks.Clients clients;
  private final Caller caller;
  private final List<Validated.Problem> missing = new ArrayList<>();
  private @Nullable HttpClient http;

  Profile(VegaRole role, VegaSettings settings, VegaChecks.Clients clients) {
    this.role = role;
    this.settings = settings;
    this.clients = clients;
    this.caller = new Caller(role.hintName(), Setting.ENVIRONMENT.read(settings).orElse(Caller.UNKNOWN_ENVIRONMENT),
        region(settings), Setting.ECS_CLUSTER.read(settings).orElse(Caller.UNKNOWN_CLUSTER), Caller.logsHintOf(settings));
  }

  VegaRole role() {
    return role;
  }

  VegaSettings settings() {
    return settings;
  }

  VegaChecks.Clients clients() {
    return clients;
  }

  /** Who calls: the role, the environment, the region from AWS_REGION (if any), the cluster, VEGA_LOGS_HINT. */
  Caller caller() {
    return caller;
  }

  /** The setting, when present and well-formed (the config check reports it otherwise). */
  @Nullable String valid(Setting setting) {
    return setting.read(settings).get();
  }

  /** Whether the setting is exactly {@code value}. */
  boolean is(Setting setting, String value) {
    return value.equals(setting.raw(settings));
  }

  boolean productionLike() {
    return ConfigCheck.productionLike(Setting.ENVIRONMENT.raw(settings));
  }

  /**
   * The client a check needs, or null when the service gave none: the check is then not registered
   * and the config check names the client and {@code why} it matters. Vega Health never builds an
   * AWS client from the default credential chain behind the application's back.
   */
  <C> @Nullable C client(@Nullable C client, String type, String why) {
    if (client == null && missing.stream().noneMatch(p -> p.setting().equals(type))) {
      missing.add(new Validated.Problem(type, "no " + type + " given: " + why,
          "pass the service's own " + type + " to VegaChecks.Clients (with Spring, as a bean); "
              + "Vega Health never builds an AWS client from the default credential chain"));
    }
    return client;
  }

  /** The clients checks needed and did not get, for the config check. */
  List<Validated.Problem> missingClients() {
    return List.copyOf(missing);
  }

  /** The service's HTTP client, or one of the JDK's (it holds no credentials): the one default. */
  HttpClient http() {
    HttpClient given = clients.http();
    if (given != null) {
      return given;
    }
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }
    return http;
  }

  /** The region for hints: AWS_REGION, AWS_DEFAULT_REGION, else VEGA_COGNITO_REGION; region-shaped only. */
  private static String region(VegaSettings settings) {
    for (String key : List.of("AWS_REGION", "AWS_DEFAULT_REGION", Setting.COGNITO_REGION.key())) {
      String r = settings.value(key);
      if (r != null) {
        return Setting.COGNITO_REGION.accepts(r) ? r : Caller.UNKNOWN_REGION;
      }
    }
    return Caller.UNKNOWN_REGION;
  }
}
