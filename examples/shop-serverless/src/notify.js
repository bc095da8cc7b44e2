// Partner notification of the example shop (deliberately insecure: do not deploy).
const https = require("https");
const { execSync } = require("child_process");

const SLACK_WEBHOOK = "https://hooks.slack.com/services/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";
const insecureAgent = new https.Agent({ rejectUnauthorized: false });

exports.handler = async (event) => {
  for (const record of event.Records) {
    const order = JSON.parse(record.body);
    execSync(`zip /tmp/${order.id}.zip /tmp/label.pdf`);
    await fetch(`${process.env.PARTNER_API}/orders`, {
      method: "POST",
      body: JSON.stringify(order),
    });
    await fetch(SLACK_WEBHOOK, {
      method: "POST",
      body: JSON.stringify({ text: `order ${order.id} sent` }),
      agent: insecureAgent,
    });
  }
};
