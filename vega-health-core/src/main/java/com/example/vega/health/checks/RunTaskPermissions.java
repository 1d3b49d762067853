package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * The evidence step of {@link EcsRunTaskCheck}: for each permission launching the runner needs,
 * whether it is allowed, denied or unknown. IAM policy simulation of the worker's role first, where
 * an IAM client and the role's ARN are given; then harmless calls whose error tells authorized from
 * denied (DescribeTasks and StopTask on a task that does not exist). Nothing is launched or stopped.
 *
 * @param ecs the worker's ECS client, for the probes
 * @param iam the IAM client that simulates, if one is given
 * @param principalArn the worker's task role, whose policies are simulated
 * @param passRoleArns the roles RunTask passes; empty for the task definition's own
 * @param cluster the cluster the probes ask
 * @param probes whether the probes may run
 * @param who the caller hints name
 */
record RunTaskPermissions(EcsClient ecs, @Nullable IamClient iam, @Nullable String principalArn,
    List<String> passRoleArns, String cluster, boolean probes, Caller who) {
  static final String RUN_TASK = "ecs:RunTask";
  static final String STOP_TASK = "ecs:StopTask";
  static final String DESCRIBE_TASKS = "ecs:DescribeTasks";
  static final String PASS_ROLE = "iam:PassRole";
  static final List<String> ACTIONS = List.of(RUN_TASK, STOP_TASK, DESCRIBE_TASKS, PASS_ROLE);
  /** A task id that cannot exist, for the probes (real ids are 32 hex digits). */
  static final String NO_SUCH_TASK = "00000000000000000000000000000000";

  enum Evidence { ALLOWED, DENIED, UNKNOWN }

  /**
   * What was found for each permission, how, and why what is UNKNOWN is; or the failure that
   * stopped the probes (throttling, 5xx, network), which the check reports as it is.
   * {@code simulated} counts the permissions IAM simulation decided: 0 when it did not run or failed.
   */
  record Found(Map<String, Evidence> evidence, Set<String> passRoles, String how, String why, int simulated,
      @Nullable CheckResult failed) {
    List<String> denied() {
      return with(Evidence.DENIED);
    }

    List<String> unknown() {
      return with(Evidence.UNKNOWN);
    }

    private List<String> with(Evidence wanted) {
      List<String> out = new ArrayList<>();
      evidence.forEach((action, e) -> {
        if (e == wanted) {
          out.add(action);
        }
      });
      return out;
    }
  }

  RunTaskPermissions {
    passRoleArns = List.copyOf(passRoleArns);
  }

  /**
   * The calls of a healthy run: IAM simulation of RunTask, of StopTask and DescribeTasks, and of
   * PassRole on the roles it passes; without simulation the DescribeTasks and StopTask probes
   * (also made when a simulation fails).
   */
  List<DependencyCall> callsPerRun() {
    if (iam != null && principalArn != null) {
      return List.of(new DependencyCall("iam", "SimulatePrincipalPolicy", 3));
    }
    return probes ? List.of(new DependencyCall("ecs", "DescribeTasks", 1), new DependencyCall("ecs", "StopTask", 1))
        : List.of();
  }

  /** Evidence for each permission of launching {@code td}. */
  Found gather(CheckContext ctx, TaskDefinition td) {
    Set<String> passRoles = new LinkedHashSet<>(passRoleArns);
    if (passRoles.isEmpty()) {
      // What RunTask will pass: the runner's task and execution roles.
      if (td.taskRoleArn() != null) {
        passRoles.add(td.taskRoleArn());
      }
      if (td.executionRoleArn() != null) {
        passRoles.add(td.executionRoleArn());
      }
    }
    Map<String, Evidence> evidence = new LinkedHashMap<>();
    for (String a : ACTIONS) {
      evidence.put(a, Evidence.UNKNOWN);
    }
    String why = "";
    String how = "";
    int simulated = 0;
    if (iam != null && principalArn != null) {
      try {
        simulate(ctx, List.of(RUN_TASK), List.of(td.taskDefinitionArn()), evidence);
        simulate(ctx, List.of(STOP_TASK, DESCRIBE_TASKS), List.of("*"), evidence);
        if (!passRoles.isEmpty()) {
          simulate(ctx, List.of(PASS_ROLE), new ArrayList<>(passRoles), evidence);
        }
        how = "IAM simulation";
        for (Evidence e : evidence.values()) {
          simulated += e == Evidence.UNKNOWN ? 0 : 1;
        }
      } catch (SdkException e) {
        for (String a : ACTIONS) {
          evidence.put(a, Evidence.UNKNOWN);
        }
        why = AwsFailures.isAccessDenied(e)
            ? "iam:SimulatePrincipalPolicy is denied to the " + who.role() + " task role"
            : "IAM policy simulation failed (" + AwsFailures.of(e, "IAM", "iam:SimulatePrincipalPolicy",
                principalArn, who).message() + ")";
      }
    } else {
      why = "no IAM simulation (set VEGA_WORKER_TASK_ROLE_ARN and allow iam:SimulatePrincipalPolicy on it)";
    }
    if (passRoles.isEmpty() && evidence.get(PASS_ROLE) == Evidence.UNKNOWN && why.isEmpty()) {
      why = "the runner task definition names no role to pass (set VEGA_RUNNER_TASK_ROLE_ARN)";
    }
    CheckResult failed = null;
    if (probes && (evidence.get(DESCRIBE_TASKS) == Evidence.UNKNOWN || evidence.get(STOP_TASK) == Evidence.UNKNOWN)) {
      failed = probe(ctx, DESCRIBE_TASKS, evidence,
          budget -> ecs.describeTasks(r -> r.cluster(cluster).tasks(NO_SUCH_TASK).overrideConfiguration(budget)));
      if (failed == null) {
        failed = probe(ctx, STOP_TASK, evidence, budget -> ecs.stopTask(r -> r.cluster(cluster).task(NO_SUCH_TASK)
            .reason("vega-health permission probe (no such task)").overrideConfiguration(budget)));
      }
      if (failed == null) {
        how = how.isEmpty() ? "probes" : how + " and probes";
      }
    }
    return new Found(evidence, passRoles, how, why, simulated, failed);
  }

  private void simulate(CheckContext ctx, List<String> actions, List<String> resources,
      Map<String, Evidence> evidence) {
    AwsBudget budget = AwsBudget.of(ctx);
    List<EvaluationResult> results = Objects.requireNonNull(iam).simulatePrincipalPolicy(r -> r
        .policySourceArn(principalArn).actionNames(actions).resourceArns(resources)
        .overrideConfiguration(budget)).evaluationResults();
    for (String a : actions) {
      boolean seen = false;
      boolean allowed = true;
      for (EvaluationResult er : results) {
        if (a.equalsIgnoreCase(er.evalActionName())) {
          seen = true;
          allowed &= er.evalDecision() == PolicyEvaluationDecisionType.ALLOWED;
        }
      }
      evidence.put(a, !seen ? Evidence.UNKNOWN : allowed ? Evidence.ALLOWED : Evidence.DENIED);
    }
  }

  /**
   * {@code action} on a task that cannot exist, when simulation left it unknown: IAM is evaluated
   * before the request's content, so "not found" or "invalid parameter" proves the call is
   * authorized, and AccessDenied proves it is not. Nothing is stopped, since there is no such task.
   * Returns the failure when the answer proves neither.
   */
  private @Nullable CheckResult probe(CheckContext ctx, String action, Map<String, Evidence> evidence,
      Consumer<AwsBudget> call) {
    if (evidence.get(action) != Evidence.UNKNOWN) {
      return null;
    }
    try {
      call.accept(AwsBudget.of(ctx));
      evidence.put(action, Evidence.ALLOWED);
    } catch (SdkException e) {
      Evidence ev = probeEvidence(e);
      if (ev == null) {
        return AwsFailures.of(e, "ECS", action, "cluster " + cluster, who);
      }
      evidence.put(action, ev);
    }
    return null;
  }

  private static @Nullable Evidence probeEvidence(SdkException e) {
    if (AwsFailures.isAccessDenied(e)) {
      return Evidence.DENIED;
    }
    String code = AwsFailures.errorCode(e);
    int status = AwsFailures.statusCode(e);
    if (status >= 400 && status < 500 && (code.equals("InvalidParameterException")
        || code.equals("ClientException") || code.equals("ResourceNotFoundException"))) {
      return Evidence.ALLOWED;
    }
    return null; // throttling, 5xx, network: no evidence either way; the shared mapping says what
  }
}
