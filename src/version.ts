/** The h2grpc version, sent in `user-agent` as "h2grpc/<version>"; a test keeps it equal to package.json. */
export const VERSION = "0.1.0";
