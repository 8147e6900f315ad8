// Entry of `npm start`: Probot runs the app, or its manifest setup flow when no credentials exist yet.
import { run } from "probot";
import { AppOctokit } from "./app-octokit.js";
import { productionApp } from "./production-app.js";

await run(productionApp, { Octokit: AppOctokit });
