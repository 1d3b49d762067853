package com.example.vega.health.spring;

import com.example.vega.health.CheckState;
import com.example.vega.health.HealthMonitor;
import com.example.vega.health.HealthProbe;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds Vega Health to Spring Boot's {@code liveness} and {@code readiness} health groups as
 * docs/spring.md describes: liveness gets the process-local checks; readiness gets one member,
 * {@link ReadinessHealthIndicator}, which answers what {@code /v1/healthz/ready} answers (fail-open
 * once the task has served), not the checks themselves, whose DOWN would fail the group during a
 * shared outage. Must run after Boot's own availability-probes post processor, which otherwise
 * replaces the probe groups' membership.
 *
 * @param contributorName the composite holding one contributor per check ({@code vega})
 * @param readinessName the readiness indicator ({@code vegaReadiness})
 */
record ProbeGroups(String contributorName, String readinessName, HealthMonitor monitor)
    implements HealthEndpointGroupsPostProcessor {
  static final String LIVENESS = "liveness";
  static final String READINESS = "readiness";

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    Set<String> live = new HashSet<>();
    for (CheckState c : monitor.snapshot().checks()) {
      if (c.registration().policy().feeds(HealthProbe.LIVENESS)) {
        live.add(contributorName + "/" + c.name());
      }
    }
    Map<String, HealthEndpointGroup> replaced = new HashMap<>();
    HealthEndpointGroup l = groups.get(LIVENESS);
    if (l != null) {
      replaced.put(LIVENESS, new WithMembers(l, live));
    }
    HealthEndpointGroup r = groups.get(READINESS);
    if (r != null) {
      replaced.put(READINESS, new WithMembers(r, Set.of(readinessName)));
    }
    return replaced.isEmpty() ? groups : new Groups(groups, replaced);
  }

  /** The groups as they were, with the probe groups replaced; keeps Boot's additional paths. */
  private record Groups(HealthEndpointGroups delegate, Map<String, HealthEndpointGroup> replaced)
      implements HealthEndpointGroups, AdditionalPathsMapper {

    @Override
    public HealthEndpointGroup getPrimary() {
      return delegate.getPrimary();
    }

    @Override
    public Set<String> getNames() {
      return delegate.getNames();
    }

    @Override
    public @Nullable HealthEndpointGroup get(String name) {
      HealthEndpointGroup g = replaced.get(name);
      return g != null ? g : delegate.get(name);
    }

    @Override
    public @Nullable List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace namespace) {
      return delegate instanceof AdditionalPathsMapper m ? m.getAdditionalPaths(endpointId, namespace) : null;
    }
  }

  /** A group that also counts the given contributors as members. */
  private record WithMembers(HealthEndpointGroup delegate, Set<String> extra) implements HealthEndpointGroup {

    @Override
    public boolean isMember(String name) {
      return extra.contains(name) || delegate.isMember(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return delegate.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return delegate.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return delegate.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return delegate.getHttpCodeStatusMapper();
    }

    @Override
    public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
      return delegate.getAdditionalPath();
    }
  }
}
