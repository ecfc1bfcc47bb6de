// SPDX-License-Identifier: GPL-3.0-or-later
// The browser tests' real parts: backlined on a jackd dummy (through web_live_rig, which holds
// the integration harness's safeguards), headless Debian Chromium, and the `backline` CLI.

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const run = promisify(execFile);

export const chromiumPath = process.env.BACKLINE_CHROMIUM ?? "/usr/bin/chromium";

/// Where screenshots go for a person to look at (the build folder under CTest).
export const artifacts = process.env.BACKLINE_WEB_ARTIFACTS ?? path.join(tmpdir(), "backline-web-artifacts");

/// Waits for check() to return a truthy value, polling; throws what() after timeoutMs.
export async function waitFor(check, what, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            last = await check();
            if (last)
                return last;
        } catch (error) {
            last = error;
        }
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what} (last: ${last})`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/// backlined with its web server on a jackd of its own; stop() and start() it again.
export class LiveRig {
    /// Starts the rig on the session text yaml.
    static async start(yaml) {
        const rig = new LiveRig();
        rig.dir = mkdtempSync(path.join(tmpdir(), "backline-web-"));
        rig.session = path.join(rig.dir, "session.yaml");
        writeFileSync(rig.session, yaml);
        const rigPath = process.env.BACKLINE_WEB_RIG;
        const daemon = process.env.BACKLINE_WEB_DAEMON ?? process.env.BACKLINE_DAEMON;
        if (!rigPath || !daemon)
            throw new Error("BACKLINE_WEB_RIG and BACKLINE_DAEMON are unset: run these tests through ctest");
        rig.process = spawn(rigPath, [rig.session, daemon], { stdio: ["pipe", "pipe", "inherit"] });
        rig.lines_ = [];
        rig.waiters_ = [];
        createInterface({ input: rig.process.stdout }).on("line", (line) => {
            rig.lines_.push(line);
            for (const w of rig.waiters_.splice(0))
                w();
        });
        rig.process.on("exit", () => {
            rig.lines_.push("error the rig exited");
            for (const w of rig.waiters_.splice(0))
                w();
        });
        await rig.ready_();
        return rig;
    }

    async nextLine_() {
        while (this.lines_.length === 0)
            await new Promise((r) => this.waiters_.push(r));
        return this.lines_.shift();
    }

    async ready_() {
        const line = await this.nextLine_();
        const match = /^ready osc=(\d+) web=(\d+) jack=(\S+)/.exec(line);
        if (!match)
            throw new Error(`web_live_rig: ${line}`);
        this.oscPort = Number(match[1]);
        this.webPort = Number(match[2]);
        this.jack = match[3];
        this.url = `http://127.0.0.1:${this.webPort}/`;
        // Any answer will do: behind a PIN the page is the server's PIN form (401).
        await waitFor(async () => (await fetch(this.url)).status > 0, `backlined's web server at ${this.url}`);
    }

    /// Stops backlined (SIGTERM) and waits until it is gone.
    async stopDaemon() {
        this.process.stdin.write("stop\n");
        const line = await this.nextLine_();
        if (line !== "stopped")
            throw new Error(`web_live_rig: ${line}`);
    }

    /// Starts backlined again on the same ports.
    async startDaemon() {
        this.process.stdin.write("start\n");
        await this.ready_();
    }

    /// What backlined plays at its JACK output (left), as RMS dBFS over 400 ms of JACK's frames.
    async level() {
        this.process.stdin.write("level\n");
        const line = await this.nextLine_();
        const match = /^level (-?[0-9.]+)$/.exec(line);
        if (!match)
            throw new Error(`web_live_rig: ${line}`);
        return Number(match[1]);
    }

    /// What backlined plays at its JACK output (left) over 400 ms of JACK's frames: {rms} in
    /// dBFS and, for each frequency asked (Hz), the level of that tone in dBFS, in order.
    async tones(...frequencies) {
        this.process.stdin.write(`tones ${frequencies.join(" ")}\n`);
        const line = await this.nextLine_();
        const fields = /^tones (.+)$/.exec(line)?.[1].split(" ").map(Number);
        if (!fields || fields.length !== frequencies.length + 1 || fields.some((f) => !Number.isFinite(f)))
            throw new Error(`web_live_rig: ${line}`);
        return { rms: fields[0], tones: fields.slice(1) };
    }

    /// Runs `backline ARGS…` against this daemon over UDP and returns its output.
    async cli(...args) {
        const cli = process.env.BACKLINE_CLI;
        const { stdout } = await run(cli, ["--port", String(this.oscPort), ...args], { timeout: 10000 });
        return stdout;
    }

    /// A parameter's value read back over UDP OSC.
    async get(address) {
        const out = await this.cli("get", address);
        const match = new RegExp(`^${address.replace(/[/]/g, "\\/")}\\s+(\\S+)`, "m").exec(out);
        if (!match)
            throw new Error(`backline get ${address}: ${out}`);
        return Number(match[1]);
    }

    /// Stops everything and removes the scratch folder; throws what the rig reported (a
    /// sanitizer's report in backlined's output, under the asan and rtsan presets).
    async close() {
        if (this.process.exitCode === null && this.process.signalCode === null) {
            const exited = new Promise((r) => this.process.on("exit", r));
            this.process.stdin.end("quit\n");
            await exited;
        }
        rmSync(this.dir, { recursive: true, force: true });
        const errors = this.lines_.filter((line) => line.startsWith("error") && line !== "error the rig exited");
        if (errors.length > 0 || this.process.exitCode !== 0)
            throw new Error(`web_live_rig (exit ${this.process.exitCode}): ${errors.join("\n")}`);
    }
}

/// Headless Debian Chromium through playwright-core. Playwright gives each launch a fresh
/// profile folder of its own (it refuses a --user-data-dir argument) and removes it at close.
export async function launchChromium() {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    mkdirSync(artifacts, { recursive: true });
    return browser;
}

/// Whether the browser the tests need is there (CTest skips them, exit 77, when it is not).
export function haveChromium() {
    return existsSync(chromiumPath);
}
