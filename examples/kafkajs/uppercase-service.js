// A small KafkaJS application: reads `words`, writes each value upper-cased to `shouted`.
// It knows nothing about Samsa; the test hands it the Kafka listener's address.
const { Kafka, logLevel } = require('kafkajs');

async function startUppercaseService({ brokers, groupId = 'uppercase-service' }) {
  const kafka = new Kafka({ clientId: 'uppercase-service', brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: 'words', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      await producer.send({ topic: 'shouted', messages: [{ key: message.key, value: message.value.toString().toUpperCase() }] });
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

module.exports = { startUppercaseService };
