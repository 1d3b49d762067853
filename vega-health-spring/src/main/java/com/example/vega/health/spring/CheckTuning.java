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
      // Critical means "feeds readiness" (DESIGN.md section 3); liveness membership is untouched.
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
      throw new InvalidConfigurationPropertyValueException(
          "vega.health.checks." + name, describe(t), e.getMessage());
    }
  }

  private static String describe(VegaHealthProperties.Check t) {
    return "interval=" + t.getInterval() + ", timeout=" + t.getTimeout()
        + ", failure-threshold=" + t.getFailureThreshold()
        + ", success-threshold=" + t.getSuccessThreshold();
  }
}
