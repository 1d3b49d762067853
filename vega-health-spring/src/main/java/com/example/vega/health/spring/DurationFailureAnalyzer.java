package com.example.vega.health.spring;

import com.example.vega.health.VegaSettings;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * A {@code vega.health.*} duration that does not convert (for example the variable
 * {@code VEGA_HEALTH_START_SPREAD=soon}): says which key, where the value came from and what is
 * accepted. Boot's own report names the key but not the forms, and its default unit (milliseconds)
 * is not ours. Ordered first so that it answers before Boot's generic bind analysis.
 */
final class DurationFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

  /** What every {@code vega.health.*} duration accepts; the unit forms are Boot's. */
  static final String ACCEPTED = "a bare number is seconds (60 is 60 s, as everywhere in Vega Health); "
      + "or a number with a unit: 500ms, 60s, 2m, 1h (ns, us, ms, s, m, h, d); or ISO-8601 such as PT1M";

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    String key = cause.getName().toString();
    if (!key.startsWith("vega.health.") || !Duration.class.equals(cause.getTarget().getType().resolve())) {
      return null;
    }
    ConfigurationProperty property = cause.getProperty();
    StringBuilder description = new StringBuilder(key).append(" is not a duration");
    if (property != null) {
      Object value = property.getValue();
      description.append(": ").append(VegaSettings.shown(value == null ? null : value.toString().trim()));
      if (property.getOrigin() != null) {
        description.append(" (from ").append(property.getOrigin()).append(')');
      }
    }
    String action = "Set " + key + " to a duration: " + ACCEPTED + '.' + variableNote(key);
    return new FailureAnalysis(description.toString(), action, cause);
  }

  /** The three fleet settings are also core's variables, which take whole seconds only (as in the agent). */
  private static String variableNote(String key) {
    return switch (key) {
      case "vega.health.start-spread" -> " The variable VEGA_HEALTH_START_SPREAD takes whole seconds only (60).";
      case "vega.health.max-backoff" -> " The variable VEGA_HEALTH_MAX_BACKOFF takes whole seconds only (300).";
      case "vega.health.startup-deadline" ->
          " The variable VEGA_HEALTH_STARTUP_DEADLINE takes whole seconds only (30).";
      default -> "";
    };
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
