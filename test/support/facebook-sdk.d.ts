// The official SDK ships Flow types only; the SDK test uses it as untyped JavaScript, as its users do.
declare module "facebook-nodejs-business-sdk";
