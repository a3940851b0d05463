import { awscdk, javascript } from "projen";
const project = new awscdk.AwsCdkConstructLibrary({
  author: "Seed 4935ea4f maintainers",
  authorAddress: "maintainers@users.noreply.r-seed-4935ea4f.example",
  cdkVersion: "2.189.1",
  jsiiVersion: "~6.0.0",
  name: "cdk-stepfunctions-redrive",
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  repositoryUrl: "https://github.com/maintainers/main.git",

  // defaultReleaseBranch: "main",  /* The name of the main release branch. */
  // deps: [],                      /* Runtime dependencies of this module. */
  // description: undefined,        /* The description is just a string that helps people understand the purpose of the package. */
  // devDeps: [],                   /* Build dependencies for this module. */
  // packageName: undefined,        /* The "name" in package.json. */
});
project.synth();