package com.example.vega.health.agent.doctor;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runbook's next steps, one row per failure the doctor tells apart, in the runbook's order
 * ("Debugging Vega on AWS"). {@code {env}}, {@code {cluster}} and {@code {region}} come from the
 * run's context; the other {@code {names}} from the hop that found the failure.
 */
enum Runbook {
  // Frontend not loading
  FRONTEND_PAGE("the frontend is static files in S3 served by CloudFront: check the distribution is Deployed,"
      + " that the frontend bucket contains index.html and the JS/CSS bundles, and whether the frontend was rebuilt"
      + " and uploaded (a backend-only deploy leaves it stale)"),
  DISTRIBUTION_MISSING("check VEGA_CLOUDFRONT_DISTRIBUTION_ID against the distribution Terraform created"
      + " (aws cloudfront list-distributions)"),
  DISTRIBUTION_NOT_DEPLOYED("CloudFront distribution {id} is {status}: a change is still reaching the edges;"
      + " wait until it is Deployed (aws cloudfront get-distribution --id {id}) and try again"),
  DISTRIBUTION_DISABLED("CloudFront distribution {id} is disabled: it serves nothing until it is enabled"
      + " (Terraform, then wait for Deployed)"),
  API_ROUTE("API calls from the frontend fail: CloudFront must route /v1/* to the API origin (the ALB{alb});"
      + " today {route}: fix the distribution's cache behaviour for /v1/* (Terraform)"),
  FRONTEND_ROUTE("the default behaviour must serve the frontend bucket {bucket}; today it goes to {origin}:"
      + " fix the distribution's default origin (Terraform)"),
  FRONTEND_BUCKET_MISSING("check VEGA_S3_FRONTEND_BUCKET (name and region) against the bucket Terraform created"),
  FRONTEND_FILES_MISSING("the frontend bucket {bucket} lacks {missing}: rebuild and upload the frontend (the deploy"
      + " scripts do it; a backend-only deploy does not), then invalidate CloudFront"),
  FRONTEND_SCRIPT_MISSING("Browser DevTools → Network shows this failing: index.html references a script that is"
      + " not there; rebuild and upload the frontend (index.html with its bundles), then invalidate CloudFront"),
  FRONTEND_CONFIG_UNREADABLE("the doctor cannot read what the frontend is built with: expose it as"
      + " window.__VEGA_CONFIG__ = {apiBaseUrl, cognitoRegion, cognitoUserPoolId, cognitoAppClientId} in /config.js"
      + " (docs/agent.md), or compare the API base URL and Cognito ids in DevTools → Network by hand"),
  FRONTEND_CONFIG_MISMATCH("the frontend was built for another API or Cognito app: rebuild it with the API's URL and"
      + " the API task definition's VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and VEGA_COGNITO_APP_CLIENT_ID"
      + " (the API and the frontend must use the same pool and app client), upload it, then invalidate CloudFront"),
  CORS_REFUSED("the browser blocks the frontend's API calls (DevTools → Network shows a CORS error): the API at"
      + " {api} must answer the preflight from {origin} with Access-Control-Allow-Origin and allow the Authorization"
      + " and Content-Type headers; or serve /v1/* through the frontend's CloudFront distribution (same origin)"),
  FRONTEND_STALE("the frontend was uploaded {age} before the API's current deployment: if that deploy changed"
      + " the API, rebuild and upload the frontend (a backend-only deploy leaves it stale)"),

  // API is down (and every ECS service)
  API_DOWN("API is down: aws ecs describe-services --cluster {cluster} --services vega-api: look at runningCount,"
      + " pendingCount and events, then the stopped task reason; check that the ALB can reach the API container on"
      + " port 8000 (doctor --aws reads all of these, and the target group's health)"),
  SERVICE_MISSING("check VEGA_ECS_CLUSTER and that {service} is deployed (Terraform)"),
  SERVICE_NOT_RUNNING("look at the events, then get the stopped task reason: aws ecs list-tasks --cluster {cluster}"
      + " --service-name {service} --desired-status STOPPED, then aws ecs describe-tasks (stoppedReason,"
      + " containers[0].exitCode); startup errors are in aws logs tail /vega/{env}/{service} --since 1h"),
  DEPLOYMENT_FAILED("the {service} deployment {id} failed{breaker}: the new tasks of {taskDefinition} did not become"
      + " healthy; read its stopped tasks' reasons below and aws logs tail /vega/{env}/{service} --since 1h, fix"
      + " the revision, then deploy again"),
  DEPLOYMENT_FAILING("the {service} rollout to {taskDefinition} is failing ({failed} tasks failed) while the old"
      + " tasks still serve: read the stopped tasks' reasons and aws logs tail /vega/{env}/{service} --since 1h"
      + " before the circuit breaker{breaker} rolls it back"),
  STOPPED_LOG_GROUP("the task's log group is missing: check the awslogs-group of the {service} task definition"
      + " (/vega/{env}/{service}) exists, and the execution role's logs:CreateLogStream"),
  STOPPED_IMAGE_PULL("the image could not be pulled: check the image tag in the task definition, the execution"
      + " role's ECR permissions, and that the task's subnets reach ECR (NAT or VPC endpoints)"),
  STOPPED_SECRET("Missing secret: check Secrets Manager for the secret referenced in the task definition"),
  STOPPED_MEMORY("Out of memory or CPU: increase the task definition's resource limits in Terraform"),
  STOPPED_ELB_HEALTH_CHECK("Security group blocks traffic? The ALB's target group {targetGroup} failed the task's"
      + " health checks and ECS replaced it: check that the ALB can reach the {service} container on port 8000 (the"
      + " task's security group admits the ALB's security group on 8000 and on the health check port) and that the"
      + " target group checks /v1/healthz/ready on the probe port 8081 (the alb {service} hop reads the targets'"
      + " reasons)"),
  STOPPED_ESSENTIAL_EXIT("Container failed to start: the essential container {container} exited with code {exit}:"
      + " check CloudWatch logs for startup errors (aws logs tail /vega/{env}/{service} --since 1h)"),
  STOPPED_HEALTH_CHECK("ECS replaced the task after failed container health checks: check /v1/healthz/live and"
      + " the health check's startPeriod; logs: aws logs tail /vega/{env}/{service} --since 1h"),
  STOPPED_START("Container failed to start: check CloudWatch logs for startup errors (aws logs tail"
      + " /vega/{env}/{service} --since 1h)"),
  TARGETS_NONE("no target is registered in the target group {targetGroup}: the {service} tasks are not running"
      + " (see the ECS hop) or the service's load balancer settings do not name this target group"),
  TARGET_TIMEOUT("Security group blocks traffic: the ALB's health checks to {targets} time out: check that the"
      + " task's security group admits the ALB's security group on port {port} (and on the health check port"
      + " {checkPort})"),
  TARGET_RESPONSE_CODE("the target answers {path} with another status than the matcher {matcher}: {path} fails"
      + " readiness (a dependency down: doctor --role {role}) or the path is wrong (use /v1/healthz/ready)"),
  TARGET_FAILED("the targets fail the ALB health check ({reason}): check the task's security group admits the ALB"
      + " on port {port} and {checkPort}, and that the container listens there (aws logs tail /vega/{env}/{service}"
      + " --since 1h)"),
  TARGET_PORT("Security group blocks traffic? The API listens on port 8000 but the load balancer sends traffic"
      + " to {container} port {port}: fix the service's loadBalancers containerPort (Terraform)"),
  HEALTH_CHECK_SETTINGS("point the target group's health check at /v1/healthz/ready on the probe port 8081"
      + " (docs/spring.md, docs/agent.md); today it is {path} on port {checkPort}"),
  SECRET_MISSING("Missing secret: {secret}, referenced by the {service} task definition, does not exist in"
      + " Secrets Manager: create it, or fix valueFrom in the task definition (Terraform)"),
  SECRET_DELETED("Missing secret: {secret}, referenced by the {service} task definition, is scheduled for"
      + " deletion on {date}: restore it (aws secretsmanager restore-secret --secret-id {secret}) before tasks"
      + " fail to start"),

  // Logs
  LOG_GROUP_MISSING("check the awslogs-group of the {service} task definition, and VEGA_ENVIRONMENT"),
  LOG_LINES("follow them live: {tail}"),

  // Scan stuck in queued
  QUEUE_MISSING("check VEGA_SQS_QUEUE_URL (account, region and name) against the queue Terraform created"),
  QUEUE_PILING("messages are piling up — the worker is not consuming them: is the worker running (aws ecs"
      + " describe-services --cluster {cluster} --services vega-worker)? Check worker logs (aws logs tail"
      + " /vega/{env}/vega-worker --since 30m) and that the worker's task role may receive SQS messages"),
  QUEUE_AGE_UNKNOWN("the queue holds messages but the age of the oldest is unknown, so a dead worker cannot be told"
      + " from a busy one: give the doctor cloudwatch:GetMetricStatistics (ApproximateAgeOfOldestMessage), or run"
      + " aws sqs get-queue-attributes --attribute-names ApproximateNumberOfMessages ApproximateAgeOfOldestMessage"
      + " twice; is the worker running (aws ecs describe-services --cluster {cluster} --services vega-worker)?"),
  WORKER_SQS_DENIED("the worker's task role {role} may not {denied} on the scan queue: add them to its IAM policy"
      + " (Terraform), on {queue}"),
  WORKER_SQS_NO_EVIDENCE("give the doctor the worker's task role (VEGA_WORKER_TASK_ROLE_ARN, or the vega-worker"
      + " service's task definition) and iam:SimulatePrincipalPolicy on it"),
  ROLE_DENIED("the task role {role} may not {denied}: add them to its IAM policy (Terraform); the doctor's own"
      + " rights say nothing about it"),
  ROLE_NO_EVIDENCE("no evidence for the task role {role}: give the doctor iam:SimulatePrincipalPolicy on it (or run"
      + " aws iam simulate-principal-policy --policy-source-arn {role} by hand)"),
  ROLE_UNKNOWN("the {service} task role is not known: set {setting}, or give the doctor ecs:DescribeTaskDefinition"
      + " for the {service} task definition"),
  SCAN_ROW_MISSING("check the scan id (the api's log has it: aws logs tail /vega/{env}/vega-api --since 1h) and"
      + " that VEGA_DATABASE_URL points at this environment's database"),
  SCAN_QUEUED("Scan stuck in queued: is the worker running (aws ecs describe-services --cluster {cluster}"
      + " --services vega-worker)? Is the SQS queue receiving messages (ApproximateNumberOfMessages,"
      + " ApproximateAgeOfOldestMessage: doctor --aws)? Then worker logs (aws logs tail /vega/{env}/vega-worker"
      + " --since 30m), the worker task role's SQS permissions, and whether the worker can reach Postgres"),

  // Worker not launching runner tasks
  RUNNER_NOT_LAUNCHED("Worker not launching runner tasks: check worker logs for RunTask errors (aws logs tail"
      + " /vega/{env}/vega-worker --since 30m), the worker task role's ecs:RunTask, ecs:StopTask, ecs:DescribeTasks"
      + " and iam:PassRole permissions, VEGA_SCAN_WORKER_EXECUTION_MODE=ecs, and the worker security group's"
      + " outbound HTTPS to the ECS API"),
  RUNNER_NO_CLUSTER("set VEGA_ECS_CLUSTER to see how the task ended"),

  // Runner task failing
  RUNNER_GONE("Runner task failing? Check runner logs: aws logs tail /vega/{env}/vega-v16-runner --since 1h; if it"
      + " got far enough, download v16-debug-bundle.zip from the artifacts bucket"),
  RUNNER_FAILED("Runner task failing: read stoppedReason and containers[0].exitCode above, then runner logs (aws"
      + " logs tail /vega/{env}/vega-v16-runner --since 1h) and the v16-debug-bundle.zip in the artifacts bucket."
      + " Common causes: can't download source (bucket permissions, VEGA_S3_SOURCE_BUCKET), LLM proxy calls"
      + " failing, Postgres writes failing (security group, credentials), out of memory or CPU (task definition"
      + " limits)"),
  RUNNER_UNHEALTHY("the runner task runs but its container health check says UNHEALTHY, and ECS does not replace a"
      + " RunTask task: the scan waits on it; read runner logs (aws logs tail /vega/{env}/vega-v16-runner --since 1h)"
      + " for the check that is DOWN (\"vega-health: <check> is DOWN\")"),
  RUNNER_STILL_RUNNING("the runner marked the scan done but its task is still {status}: aws logs tail"
      + " /vega/{env}/vega-v16-runner --since 1h"),
  BUNDLE_READ("the bundle shows how far the runner got: download it (aws s3 cp s3://{bucket}/{key} .) and"
      + " inspect the Codex state"),
  TRACE_MISSING("the runner task carries no TRACEPARENT: the worker did not pass the trace (RunTask"
      + " containerOverrides); find the scan's lines by vega.scan.id instead"),

  // S3 artifact missing
  ARTIFACTS_BUCKET_MISSING("check VEGA_S3_ARTIFACTS_BUCKET (name and region) against the bucket Terraform created"),
  ARTIFACTS_DENIED("the credentials in use may not s3:GetObject in {bucket} (the runner needs s3:PutObject there)"),
  ARTIFACT_MISSING("S3 artifact missing: confirm VEGA_FILE_STORAGE_BACKEND=s3 and VEGA_S3_ARTIFACTS_BUCKET in the"
      + " runner task definition, that the runner task role has s3:PutObject on the bucket, and the runner logs"
      + " around the upload (aws logs tail /vega/{env}/vega-v16-runner --since 1h)"),

  // Findings not persisting
  FINDINGS_NOT_PERSISTED("Findings not persisting: check runner logs for finding_upsert errors (aws logs tail"
      + " /vega/{env}/vega-v16-runner --since 1h) and that migration 004_findings_columns.sql is applied"
      + " (schema_migrations); if rows exist, clear the frontend's severity and status filters"),
  EVENTS_MISSING("Did v16 emit finding_updated events? v16-events.jsonl is missing from the artifacts bucket"),
  EVENTS_NEED_BUCKET("set VEGA_S3_ARTIFACTS_BUCKET to compare them with v16-events.jsonl"),

  // LLM proxy / AI calls failing
  LLM_PROXY_UNREACHABLE("LLM proxy: is vega-llm-proxy running (aws ecs describe-services --cluster {cluster}"
      + " --services vega-llm-proxy)? Does the runner have VEGA_LLM_PROXY_BASE_URL set to the proxy's internal"
      + " address, and may the runner's security group reach it?"),

  RUNNER_EGRESS_PROVIDER("The runner should call the LLM proxy, not the AI provider directly: set"
      + " VEGA_LLM_PROXY_BASE_URL in the runner task definition to the proxy's internal address and remove the"
      + " provider's URL (Terraform); the proxy holds the provider API key"),
  RUNNER_EGRESS_KEY("The proxy holds the provider API key, not the runner: remove the key from the runner task"
      + " definition (Terraform) and let the runner call VEGA_LLM_PROXY_BASE_URL with its scan-scoped token"),
  RUNNER_EGRESS_UNSET("Does the runner have VEGA_LLM_PROXY_BASE_URL set to the proxy's internal address? Set it in"
      + " the runner task definition (Terraform), e.g. http://vega-llm-proxy.<namespace>:8080"),
  RUNNER_TASK_DEFINITION_MISSING("check VEGA_RUNNER_TASK_DEFINITION (family or family:revision) against the runner"
      + " task definition Terraform registered (aws ecs list-task-definitions --family-prefix vega-v16-runner)"),

  // Database migration failed
  MIGRATIONS("run the migrations (scripts/aws/run-migrations.sh {env}); if they fail, inspect the stopped"
      + " maintenance task and aws logs tail /vega/{env}/vega-maintenance --since 30m"),

  // Login failing
  LOGIN_SETTINGS("Confirm VEGA_AUTH_PROVIDER=cognito, VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and"
      + " VEGA_COGNITO_APP_CLIENT_ID in the API task definition, and run the doctor with them"),
  TOKEN_MALFORMED("this is not a Cognito access token ({why}): copy the access token (not the id token or the"
      + " refresh token) from the browser's /v1/auth/login or Cognito response"),
  TOKEN_EXPIRED("the token expired {ago} ago: sign in again; if fresh tokens expire at once, check the clock of"
      + " the machine that validates them"),
  TOKEN_ISSUER("the token comes from {issuer}, not the configured pool {expected}: VEGA_COGNITO_REGION or"
      + " VEGA_COGNITO_USER_POOL_ID in the API task definition (or the frontend's pool) is wrong"),
  TOKEN_CLIENT("the token was issued to app client {client}, not VEGA_COGNITO_APP_CLIENT_ID {expected}: the API"
      + " and the frontend must use the same app client of the pool"),
  TOKEN_USE("the token's token_use is {use}: the API takes access tokens; send the access token, not the id token"),
  AUTH_ME_REJECTED("the API rejected a token that looks right for the configured pool and client: the API's own"
      + " VEGA_COGNITO_* settings may differ from the doctor's, or it cannot reach the pool's JWKS (doctor --url"
      + " with the detail token shows its cognito check)"),
  AUTH_ME_FAILED("/v1/auth/me answered {status}: is this the Vega API, and does CloudFront route /v1/* to it?"),

  // The smoke test (scripts/aws/smoke-test.sh)
  SMOKE_NOT_AUTHORIZED("Cognito refused the test user {user} ({code}): the password (VEGA_SMOKE_PASSWORD) is wrong"
      + " or the user is disabled: reset it (aws cognito-idp admin-set-user-password --permanent) and run again"),
  SMOKE_NO_USER("{user} is not a user of the pool behind app client {client}: create the smoke test user, or fix"
      + " VEGA_SMOKE_USERNAME"),
  SMOKE_USER_STATE("the test user {user} cannot sign in yet ({code}): confirm it or set a permanent password"
      + " (aws cognito-idp admin-set-user-password --permanent)"),
  SMOKE_NO_CLIENT("Cognito does not know app client {client}: check VEGA_COGNITO_APP_CLIENT_ID and"
      + " VEGA_COGNITO_REGION against the pool Terraform created"),
  SMOKE_FLOW("app client {client} refused USER_PASSWORD_AUTH ({code}): allow ALLOW_USER_PASSWORD_AUTH on the"
      + " smoke test's app client (an app client with a secret needs one without), or pass a token with --token -"),
  SMOKE_CHALLENGE("Cognito answers {user} with the {challenge} challenge: give the test user a permanent password"
      + " (aws cognito-idp admin-set-user-password --permanent) and no MFA"),
  SMOKE_SUBMIT("the API answered {status} to the scan: check the API's logs (aws logs tail /vega/{env}/vega-api"
      + " --since 10m) and its /v1/healthz (doctor --url)"),

  // Any AWS call
  AWS_DENIED("the credentials in use may not call {action}: use a role for this environment that can"),
  AWS_CREDENTIALS("log in for this environment (aws sso login / AWS_PROFILE) and run again"),
  AWS_ENDPOINT("check AWS_REGION, and AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_{SERVICE} if set: {service} did not answer"
      + " {action} as {service} does"),
  AWS_TRANSIENT("{service} is throttling or failing for a moment: run again; if it persists, check the AWS Health"
      + " Dashboard for {region}"),
  AWS_NETWORK("check that this machine reaches the {service} endpoint in {region} (proxy, VPC endpoint, DNS), and"
      + " AWS_ENDPOINT_URL if set"),
  AWS_OTHER("run again; if it persists, run the aws CLI command for {action} by hand to see the error"),

  // Postgres, from anywhere
  DB_REFUSED("Can't connect to Postgres: check VEGA_DATABASE_URL and the database security group"),
  DB_HOST("check VEGA_DATABASE_URL (host name) and the VPC's DNS"),
  DB_TIMEOUT("check the database security group and that this machine's network reaches {address}"),
  DB_AUTH("check the user and password in VEGA_DATABASE_URL (Secrets Manager, if the task definition reads it"
      + " from there)"),
  DB_NAME("check the database name in VEGA_DATABASE_URL"),
  DB_TABLE("migrations may not be applied: scripts/aws/run-migrations.sh {env}, then inspect schema_migrations"),
  DB_COLUMN("is the latest migration (e.g. 004_findings_columns.sql) applied? Check the schema_migrations table,"
      + " or pass the column names with the doctor's --*-column options"),
  DB_OTHER("see the database's log; check VEGA_DATABASE_URL"),

  // The doctor itself
  DETAIL_TOKEN("pass --token <the service's VEGA_HEALTH_DETAIL_TOKEN> (or VEGA_DOCTOR_TOKEN) to see each dependency"),
  DATABASE_URL("fix VEGA_DATABASE_URL: jdbc:postgresql://host:5432/vega or postgresql://user:password@host:5432/vega"),
  CHECK_NO_RESULT("the check did not finish: run again with a longer --timeout, and check that this machine"
      + " reaches the dependency"),
  SETTING("fix the setting in the {service} task definition");

  private static final Pattern NAME = Pattern.compile("\\{([A-Za-z]+)}");

  private final String template;

  Runbook(String template) {
    this.template = template;
  }

  /** The step with the context's names and {@code names} (pairs: name, value) filled in. */
  String text(Context ctx, String... names) {
    Map<String, String> values = new HashMap<>();
    values.put("env", ctx.environment);
    values.put("cluster", ctx.clusterOrPlaceholder());
    values.put("region", ctx.region());
    return fill(values, names);
  }

  /** The step with only {@code names} filled in (hops that need no context). */
  String text(String... names) {
    return fill(new HashMap<>(), names);
  }

  private String fill(Map<String, String> values, String... names) {
    if (names.length % 2 != 0) {
      throw new IllegalArgumentException("names come in pairs");
    }
    for (int i = 0; i < names.length; i += 2) {
      values.put(names[i], names[i + 1]);
    }
    Matcher m = NAME.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "<" + m.group(1) + ">" : v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
