/**
 * How Kafka's Java tools print a broker's error: the client library's exception class for the
 * wire code, fully qualified, as `ExecutionException.getMessage` shows it
 * (`org.apache.kafka.common.errors.PolicyViolationException: <message>`). The tools that print
 * per-item errors the Kafka way (samsa-configs, samsa-delete-records) share it.
 */
import { SamsaError } from '../protocol/errors';

/** Kafka's exception class for a wire error, as ConfigCommand prints it (`ResourceNotFoundException`). */
export function kafkaExceptionName(err: SamsaError): string {
  const special: Record<string, string> = {
    CLUSTER_AUTHORIZATION_FAILED: 'ClusterAuthorizationException',
    UNKNOWN_SERVER_ERROR: 'UnknownServerException',
    SASL_AUTHENTICATION_FAILED: 'SaslAuthenticationException',
    INVALID_CONFIG: 'InvalidConfigurationException',
    TOPIC_AUTHORIZATION_FAILED: 'TopicAuthorizationException',
    INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  };
  const name = special[err.errorName]
    ?? `${err.errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Exception`;
  return `org.apache.kafka.common.errors.${name}`;
}

/** `org.apache.kafka.common.errors.<Name>Exception: <message>`, as Kafka's tools print a failed future. */
export function kafkaErrorText(err: SamsaError): string {
  return `${kafkaExceptionName(err)}: ${err.message}`;
}
