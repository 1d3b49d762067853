package com.example.vega.health.agent.doctor;

import com.example.vega.health.Setting;

/**
 * Every {@code VEGA_*} setting the doctor reads. The services' own come from core's {@link Setting}
 * (the doctor runs with the task definition's environment); only the doctor's own and the one the
 * worker passes to a runner are named here.
 */
final class Settings {
  static final String ENVIRONMENT = Setting.ENVIRONMENT.key();
  static final String DATABASE_URL = Setting.DATABASE_URL.key();
  static final String AUTH_PROVIDER = Setting.AUTH_PROVIDER.key();
  static final String COGNITO_REGION = Setting.COGNITO_REGION.key();
  static final String COGNITO_USER_POOL_ID = Setting.COGNITO_USER_POOL_ID.key();
  static final String COGNITO_APP_CLIENT_ID = Setting.COGNITO_APP_CLIENT_ID.key();
  static final String SQS_QUEUE_URL = Setting.SQS_QUEUE_URL.key();
  static final String ECS_CLUSTER = Setting.ECS_CLUSTER.key();
  static final String WORKER_TASK_ROLE_ARN = Setting.WORKER_TASK_ROLE_ARN.key();
  static final String RUNNER_TASK_ROLE_ARN = Setting.RUNNER_TASK_ROLE_ARN.key();
  static final String RUNNER_TASK_DEFINITION = Setting.RUNNER_TASK_DEFINITION.key();
  static final String SOURCE_BUCKET = Setting.SOURCE_BUCKET.key();
  static final String ARTIFACTS_BUCKET = Setting.ARTIFACTS_BUCKET.key();
  static final String FRONTEND_BUCKET = Setting.FRONTEND_BUCKET.key();
  static final String LLM_PROXY_BASE_URL = Setting.LLM_PROXY_BASE_URL.key();
  /** The runner's task definition (the worker's RunTask target): the doctor reads its LLM endpoint. */
  static final String LLM_PROXY_TOKEN = Setting.LLM_PROXY_TOKEN.key();
  /** Where a runner's token is (the worker's hand-off): the llm-proxy check looks at it without reading it. */
  static final String LLM_PROXY_TOKEN_REF = Setting.LLM_PROXY_TOKEN_REF.key();
  static final String HEALTH_ROLE = Setting.HEALTH_ROLE.key();
  static final String ROLE = Setting.ROLE.key();
  /** Set by the worker in the runner's RunTask overrides: present only inside a runner task. */
  static final String SCAN_ID = "VEGA_SCAN_ID";
  /** The doctor's own: the API's VEGA_HEALTH_DETAIL_TOKEN, for {@code doctor --url}. */
  static final String DOCTOR_TOKEN = Setting.DOCTOR_TOKEN.key();
  /** The doctor's own: the smoke test's Cognito test user (never the password in any output). */
  static final String SMOKE_USERNAME = "VEGA_SMOKE_USERNAME";
  /** The doctor's own: the smoke test user's password; masked wherever it could appear. */
  static final String SMOKE_PASSWORD = "VEGA_SMOKE_PASSWORD";
  /** The doctor's own: the CloudFront distribution that serves the frontend and routes /v1/*. */
  static final String CLOUDFRONT_DISTRIBUTION_ID = "VEGA_CLOUDFRONT_DISTRIBUTION_ID";

  /** The doctor's own: the api's task role, whose S3 and SQS rights it simulates (else vega-api's task definition's). */
  static final String API_TASK_ROLE_ARN = "VEGA_API_TASK_ROLE_ARN";

  private Settings() {}
}
