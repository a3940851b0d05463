import * as path from 'path';

/** The folder whose package.json and package-lock.json pin the newest aws-cdk-lib and cdk-nag 3. */
export const NEWEST_TOOLCHAIN_DIR = path.join(__dirname, '..', '..', 'toolchains', 'newest');
