package com.example.vega.health.agent.doctor;

/**
 * Every {@code VEGA_*} setting the doctor reads, named once. The names are the services' own (the
 * doctor runs with the task definition's environment); when core declares them publicly, these
 * constants point there.
 */
final class Settings {
  static final String ENVIRONMENT = "VEGA_ENVIRONMENT";
  static final String DATABASE_URL = "VEGA_DATABASE_URL";
  static final String AUTH_PROVIDER = "VEGA_AUTH_PROVIDER";
  static final String COGNITO_REGION = "VEGA_COGNITO_REGION";
  static final String COGNITO_USER_POOL_ID = "VEGA_COGNITO_USER_POOL_ID";
  static final String COGNITO_APP_CLIENT_ID = "VEGA_COGNITO_APP_CLIENT_ID";
  static final String SQS_QUEUE_URL = "VEGA_SQS_QUEUE_URL";
  static final String ECS_CLUSTER = "VEGA_ECS_CLUSTER";
  static final String WORKER_TASK_ROLE_ARN = "VEGA_WORKER_TASK_ROLE_ARN";
  static final String ARTIFACTS_BUCKET = "VEGA_S3_ARTIFACTS_BUCKET";
  static final String FRONTEND_BUCKET = "VEGA_S3_FRONTEND_BUCKET";
  static final String LLM_PROXY_BASE_URL = "VEGA_LLM_PROXY_BASE_URL";
  static final String LLM_PROXY_TOKEN = "VEGA_LLM_PROXY_TOKEN";
  static final String HEALTH_ROLE = "VEGA_HEALTH_ROLE";
  static final String ROLE = "VEGA_ROLE";
  /** Set by the worker in the runner's RunTask overrides: present only inside a runner task. */
  static final String SCAN_ID = "VEGA_SCAN_ID";
  /** The doctor's own: the API's VEGA_HEALTH_DETAIL_TOKEN, for {@code doctor --url}. */
  static final String DOCTOR_TOKEN = "VEGA_DOCTOR_TOKEN";
  /** The doctor's own: the CloudFront distribution that serves the frontend and routes /v1/*. */
  static final String CLOUDFRONT_DISTRIBUTION_ID = "VEGA_CLOUDFRONT_DISTRIBUTION_ID";

  private Settings() {}
}
