import type { Check } from "../types";
import { everyContainer, fx, K } from "../util";

/** The container that runs `vault server` (its command and arguments, joined). */
const runsVaultServer = (argv: string[]) => /(^|\s|\/)vault\s+server(\s|$)/.test(argv.join(" "));

/**
 * The Vault server's command is a shell that sets `ulimit -c 0` and then execs the server (the
 * production hardening guide: a core dump of Vault holds the keyring and unsealed secrets).
 */
export const vaultCoreDumps: Check = {
  id: "VEP-G25",
  severity: "warning",
  title: "The Vault server runs with core dumps off (ulimit -c 0 before exec)",
  rationale: "A core dump of Vault's memory holds the decrypted keyring and secrets, written to a disk that outlives the process (HashiCorp's production hardening guide).",
  fix: "Start Vault through the rendered shell command (`ulimit -c 0`, then exec the image's entrypoint).",
  appliesTo: ["StatefulSet (Vault container)"],
  run(ctx) {
    const out: { resource: string; message: string }[] = [];
    for (const { m, c, where } of everyContainer(ctx)) {
      const command: string[] = (c.command ?? []).map(String);
      if (!runsVaultServer([...command, ...(c.args ?? []).map(String)])) continue;
      const script = /(^|\/)(ba|a|da)?sh$/.test(command[0] ?? "") && command[1] === "-c" ? (command[2] ?? "") : "";
      const lines = script.split("\n").map((l) => l.trim());
      const ulimit = lines.findIndex((l) => /^ulimit\s+(-S\s+|-H\s+)?-c\s+0$/.test(l));
      const exec = lines.findIndex((l) => /^exec\s/.test(l));
      if (ulimit < 0 || exec < ulimit) out.push({ resource: m.key, message: `${where} starts vault server without ulimit -c 0 before exec: a crash writes Vault's memory to disk` });
    }
    return out;
  },
  fixtures: {
    pass: {
      does: "the start script also sets the hard limit (ulimit -H -c 0) after the soft one",
      edit: (s) => {
        const c = fx.container(s, K.statefulSet, "vault");
        c.command[2] = c.command[2].replace("ulimit -c 0\n", "ulimit -c 0\nulimit -H -c 0\n");
      },
    },
    fail: {
      does: "the start script no longer sets ulimit -c 0",
      edit: (s) => {
        const c = fx.container(s, K.statefulSet, "vault");
        c.command[2] = c.command[2].replace("ulimit -c 0\n", "");
      },
      expect: { resource: K.statefulSet, message: "container vault starts vault server without ulimit -c 0 before exec" },
    },
  },
};
