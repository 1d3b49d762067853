package com.example.vega.health.spring;

import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.HealthProbe;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Applies {@code vega.health.checks.<name>.*} to every registration, whoever built it: the one
 * place where a check is switched off or its policy tuned by property.
 */
final class CheckTuning {
  private static final System.Logger LOG = System.getLogger(CheckTuning.class.getName());

  private CheckTuning() {}

  static List<CheckRegistration> apply(
      List<CheckRegistration> registrations, Map<String, VegaHealthProperties.Check> tuning) {
    List<CheckRegistration> out = new ArrayList<>(registrations.size());
    Set<String> seen = new HashSet<>();
    for (CheckRegistration r : registrations) {
      seen.add(r.name());
      VegaHealthProperties.Check t = tuning.get(r.name());
      if (t == null) {
        out.add(r);
      } else if (t.isEnabled()) {
        out.add(r.withPolicy(policy(r.name(), r.policy(), t)));
      }
    }
    for (String name : tuning.keySet()) {
      if (!seen.contains(name)) {
        // Not fatal: a service may configure a check its role only gets in a later version.
        LOG.log(System.Logger.Level.WARNING,
            "vega-health: vega.health.checks.{0} is set but no check of that name is registered "
                + "(registered: {1})", name, String.join(", ", seen));
      }
    }
    return out;
  }

  static CheckPolicy policy(String name, CheckPolicy base, VegaHealthProperties.Check t) {
    CheckPolicy.Builder b = base.toBuilder();
    if (t.getInterval() != null) {
      b.interval(t.getInterval());
    }
    if (t.getTimeout() != null) {
      b.timeout(t.getTimeout());
    }
    if (t.getFailureThreshold() != null) {
      b.failureThreshold(t.getFailureThreshold());
    }
    if (t.getSuccessThreshold() != null) {
      b.successThreshold(t.getSuccessThreshold());
    }
    if (t.getCritical() != null) {
      // Critical means "feeds readiness"; liveness membership is untouched.
      EnumSet<HealthProbe> probes = EnumSet.noneOf(HealthProbe.class);
      probes.addAll(base.probes());
      if (t.getCritical()) {
        probes.add(HealthProbe.READINESS);
      } else {
        probes.remove(HealthProbe.READINESS);
      }
      b.critical(t.getCritical()).probes(probes.toArray(HealthProbe[]::new));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // A bare number used to be milliseconds here (Boot's default unit): timeout=500 is now 500 s,
      // which this refuses above the interval; the reason says how to write what was meant.
      String reason = e.getMessage()
          + (t.getInterval() != null || t.getTimeout() != null ? "; " + BARE_SECONDS : "");
      throw new InvalidConfigurationPropertyValueException("vega.health.checks." + name, describe(t), reason);
    }
  }

  /** Appended where a duration is refused: the unit a bare number has since it became seconds. */
  static final String BARE_SECONDS = "a duration without a unit is seconds (write 500ms for milliseconds)";

  /** The values set by property, by their keys' last segment. */
  private static String describe(VegaHealthProperties.Check t) {
    List<String> set = new ArrayList<>();
    if (t.getInterval() != null) {
      set.add("interval=" + t.getInterval());
    }
    if (t.getTimeout() != null) {
      set.add("timeout=" + t.getTimeout());
    }
    if (t.getFailureThreshold() != null) {
      set.add("failure-threshold=" + t.getFailureThreshold());
    }
    if (t.getSuccessThreshold() != null) {
      set.add("success-threshold=" + t.getSuccessThreshold());
    }
    return String.join(", ", set);
  }
}
