// SPDX-License-Identifier: GPL-3.0-or-later
// The session's parameters as /state describes them, their latest values, and the widgets
// bound to each address.

/// One parameter from a /state/param reply.
export function paramFromState(args) {
    const [address, value, unit, min, max, defaultValue, kind, step] = args;
    return { address, value, unit, min, max, defaultValue, kind, step };
}

/// Parameters by address, in /state order, and who shows each.
export class ParamBoard {
    constructor() {
        this.params = new Map();
        this.views_ = new Map();
    }

    /// Replaces the table with params (an array in /state order); values already known are kept.
    reset(params) {
        this.params = new Map(params.map((p) => [p.address, p]));
        this.views_.clear();
    }

    /// Calls show(value) now and whenever address changes.
    bind(address, show) {
        const param = this.params.get(address);
        if (!param)
            return;
        if (!this.views_.has(address))
            this.views_.set(address, []);
        this.views_.get(address).push(show);
        show(param.value);
    }

    /// A value from the daemon: remembered and shown. False for an address /state did not list.
    apply(address, value) {
        const param = this.params.get(address);
        if (!param)
            return false;
        param.value = value;
        for (const show of this.views_.get(address) ?? [])
            show(value);
        return true;
    }

    /// Whether the table names the same addresses as other (a list of params) in the same order.
    sameShape(other) {
        if (other.length !== this.params.size)
            return false;
        let i = 0;
        for (const address of this.params.keys())
            if (other[i++].address !== address)
                return false;
        return true;
    }

    /// The names of the owners with an address of the form /<kind>/<name>/gain, in order.
    names(kind) {
        const out = [];
        const pattern = new RegExp(`^/${kind}/([^/]+)/gain$`);
        for (const address of this.params.keys()) {
            const match = pattern.exec(address);
            if (match)
                out.push(match[1]);
        }
        return out;
    }

    /// The aux buses tracks send to (from /track/<t>/send/<aux>/level), in order.
    auxes() {
        const out = new Set();
        for (const address of this.params.keys()) {
            const match = /^\/track\/[^/]+\/send\/(.+)\/level$/.exec(address);
            if (match)
                out.add(match[1]);
        }
        return [...out];
    }
}
