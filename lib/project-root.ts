import { resolve } from "node:path";

/** The project folder: the parent of this file's folder, whether it runs from lib/ (tsx) or from its bundle in build/. */
export const PROJECT_ROOT = resolve(__dirname, "..");
