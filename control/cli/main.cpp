// SPDX-License-Identifier: GPL-3.0-or-later
// backline: a command-line OSC client for backlined. Sends one message and prints the replies.
#include <CLI/CLI.hpp>
#include <lo/lo.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Inbox {
    bool sawError = false;
    bool sawEnd = false;
    int count = 0;
};

int onReply(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* user)
{
    auto& inbox = *static_cast<Inbox*>(user);
    ++inbox.count;
    const std::string address = path;
    inbox.sawError = inbox.sawError || address == "/error";
    inbox.sawEnd = inbox.sawEnd || address == "/state/end";
    std::cout << address;
    for (int i = 0; i < argc; ++i) {
        std::cout << ' ';
        switch (types[i]) {
        case LO_INT32: std::cout << argv[i]->i; break;
        case LO_INT64: std::cout << argv[i]->h; break;
        case LO_FLOAT: std::cout << argv[i]->f; break;
        case LO_DOUBLE: std::cout << argv[i]->d; break;
        case LO_STRING:
        case LO_SYMBOL: std::cout << '"' << &argv[i]->s << '"'; break;
        case LO_TRUE: std::cout << "true"; break;
        case LO_FALSE: std::cout << "false"; break;
        default: std::cout << '<' << types[i] << '>';
        }
    }
    std::cout << std::endl;
    return 0;
}

/// "1.5" → float, "3" → int32, "f:3" / "i:3" / "s:3" force the type, anything else → string.
void addArgument(lo_message m, const std::string& text)
{
    if (text.size() > 2 && text[1] == ':') {
        const std::string value = text.substr(2);
        switch (text[0]) {
        case 'f': lo_message_add_float(m, std::stof(value)); return;
        case 'i': lo_message_add_int32(m, std::stoi(value)); return;
        case 's': lo_message_add_string(m, value.c_str()); return;
        default: break;
        }
    }
    char* end = nullptr;
    const long asInt = std::strtol(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0') {
        lo_message_add_int32(m, int(asInt));
        return;
    }
    const float asFloat = std::strtof(text.c_str(), &end);
    if (!text.empty() && *end == '\0') {
        lo_message_add_float(m, asFloat);
        return;
    }
    lo_message_add_string(m, text.c_str());
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App cli {"backline: talk to a running backlined over OSC", "backline"};
    std::string host = "127.0.0.1";
    int port = 9000;
    int timeoutMs = 500;
    cli.add_option("--host", host, "backlined's host")->capture_default_str();
    cli.add_option("--port,-p", port, "backlined's OSC port")->capture_default_str();
    cli.add_option("--timeout", timeoutMs, "How long to wait for replies (ms)")->capture_default_str();
    cli.require_subcommand(1);

    std::string address;
    std::vector<std::string> values;
    auto* send = cli.add_subcommand("send", "Send ADDRESS with ARGS (1.5 float, 3 int, text string; f:/i:/s: force)");
    send->add_option("address", address)->required();
    send->add_option("args", values);
    auto* get = cli.add_subcommand("get", "Print the current value of ADDRESS");
    get->add_option("address", address)->required();
    auto* state = cli.add_subcommand("state", "Print every parameter: address, value, unit, min, max, default");
    auto* status = cli.add_subcommand("status", "Print the daemon's status");
    auto* ping = cli.add_subcommand("ping", "Check that backlined answers");
    CLI11_PARSE(cli, argc, argv);

    lo_message m = lo_message_new();
    if (*send) {
        for (const auto& v : values)
            addArgument(m, v);
    } else if (*state) {
        address = "/state";
    } else if (*status) {
        address = "/status";
    } else if (*ping) {
        address = "/ping";
    }
    (void)get;

    lo_server server = lo_server_new_with_proto(nullptr, LO_UDP, nullptr);
    if (!server) {
        std::cerr << "backline: cannot open a UDP socket\n";
        return 1;
    }
    Inbox inbox;
    lo_server_add_method(server, nullptr, nullptr, onReply, &inbox);
    lo_address target = lo_address_new(host.c_str(), std::to_string(port).c_str());
    if (lo_send_message_from(target, server, address.c_str(), m) < 0) {
        std::cerr << "backline: cannot send to " << host << ":" << port << ": " << lo_address_errstr(target) << "\n";
        return 1;
    }
    lo_message_free(m);
    // Replies come back to this socket; keep listening until quiet (or /state's end marker).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline && !inbox.sawEnd) {
        const int before = inbox.count;
        lo_server_recv_noblock(server, 50);
        if (inbox.count > before && !*state && !*send)
            break;
    }
    lo_address_free(target);
    lo_server_free(server);
    if (inbox.count == 0 && !*send) {
        std::cerr << "backline: no reply from " << host << ":" << port << " (is backlined running?)\n";
        return 1;
    }
    return inbox.sawError ? 2 : 0;
}
