export default {
  service: "serverless-ts",
  provider: { name: "aws", runtime: "nodejs20.x" },
};
