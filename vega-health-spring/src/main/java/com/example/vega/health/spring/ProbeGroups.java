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
 * Adds the checks to Spring Boot's {@code liveness} and {@code readiness} health groups as
 * DESIGN.md section 3 says: liveness gets the process-local checks only, readiness the local
 * checks plus those critical for the role. Must run after Boot's own availability-probes post
 * processor, which otherwise replaces the probe groups' membership.
 */
record ProbeGroups(String contributorName, HealthMonitor monitor) implements HealthEndpointGroupsPostProcessor {
  static final String LIVENESS = "liveness";
  static final String READINESS = "readiness";

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    Set<String> live = new HashSet<>();
    Set<String> ready = new HashSet<>();
    List<CheckState> checks = monitor.snapshot().checks();
    for (CheckState c : checks) {
      String member = contributorName + "/" + c.name();
      if (c.registration().policy().feeds(HealthProbe.LIVENESS)) {
        live.add(member);
        ready.add(member); // /v1/healthz/ready includes liveness too
      }
      if (c.registration().policy().feeds(HealthProbe.READINESS)) {
        ready.add(member);
      }
    }
    Map<String, HealthEndpointGroup> replaced = new HashMap<>();
    HealthEndpointGroup l = groups.get(LIVENESS);
    if (l != null) {
      replaced.put(LIVENESS, new WithMembers(l, live));
    }
    HealthEndpointGroup r = groups.get(READINESS);
    if (r != null) {
      replaced.put(READINESS, new WithMembers(r, ready));
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
