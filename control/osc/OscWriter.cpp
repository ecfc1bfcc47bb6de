// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscWriter.h"

#include <cassert>
#include <cstring>

namespace backline::control {

namespace {

std::size_t paddedString(std::size_t length) { return (length + 4) & ~std::size_t(3); }
std::size_t paddedBlob(std::size_t length) { return 4 + ((length + 3) & ~std::size_t(3)); }

char typeTag(const OscReply::Arg& arg)
{
    switch (arg.index()) {
    case 0:
        return 'i';
    case 1:
        return 'f';
    default:
        return 's';
    }
}

} // namespace

std::size_t OscWriter::messageSize(std::string_view address, std::span<const OscReply::Arg> args)
{
    std::size_t size = paddedString(address.size()) + paddedString(args.size() + 1);
    for (const auto& arg : args) {
        if (const auto* text = std::get_if<std::string>(&arg))
            size += paddedString(text->size());
        else
            size += 4;
    }
    return size;
}

std::size_t OscWriter::blobMessageSize(std::string_view address, std::size_t blobBytes)
{
    return paddedString(address.size()) + 4 + paddedBlob(blobBytes);
}

void OscWriter::clear()
{
    bytes_.clear();
    bundleDepth_ = 0;
}

void OscWriter::putString(std::string_view text)
{
    const std::size_t start = bytes_.size();
    bytes_.resize(start + paddedString(text.size()), 0);
    std::memcpy(bytes_.data() + start, text.data(), text.size());
}

void OscWriter::putInt(std::uint32_t value)
{
    const std::uint8_t b[4] = {std::uint8_t(value >> 24), std::uint8_t(value >> 16), std::uint8_t(value >> 8),
        std::uint8_t(value)};
    bytes_.insert(bytes_.end(), b, b + 4);
}

void OscWriter::putInt64(std::uint64_t value)
{
    putInt(std::uint32_t(value >> 32));
    putInt(std::uint32_t(value));
}

void OscWriter::beginBundle(std::uint64_t timetag)
{
    assert(bundleDepth_ == 0 && "nested bundles are not written");
    putString("#bundle");
    putInt64(timetag);
    ++bundleDepth_;
}

void OscWriter::endBundle()
{
    assert(bundleDepth_ > 0);
    --bundleDepth_;
}

void OscWriter::beginElement()
{
    if (bundleDepth_ == 0)
        return;
    elementStart_ = bytes_.size();
    putInt(0);
}

void OscWriter::endElement()
{
    if (bundleDepth_ == 0)
        return;
    const auto size = std::uint32_t(bytes_.size() - elementStart_ - 4);
    bytes_[elementStart_] = std::uint8_t(size >> 24);
    bytes_[elementStart_ + 1] = std::uint8_t(size >> 16);
    bytes_[elementStart_ + 2] = std::uint8_t(size >> 8);
    bytes_[elementStart_ + 3] = std::uint8_t(size);
}

void OscWriter::message(std::string_view address, std::span<const OscReply::Arg> args)
{
    beginElement();
    putString(address);
    char tags[64];
    std::string longTags;
    std::string_view typeTags;
    if (args.size() + 1 < sizeof tags) {
        tags[0] = ',';
        for (std::size_t i = 0; i < args.size(); ++i)
            tags[i + 1] = typeTag(args[i]);
        typeTags = std::string_view(tags, args.size() + 1);
    } else {
        longTags = ",";
        for (const auto& arg : args)
            longTags += typeTag(arg);
        typeTags = longTags;
    }
    putString(typeTags);
    for (const auto& arg : args) {
        if (const int* i = std::get_if<int>(&arg)) {
            putInt(std::uint32_t(*i));
        } else if (const float* f = std::get_if<float>(&arg)) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, f, 4);
            putInt(bits);
        } else {
            putString(std::get<std::string>(arg));
        }
    }
    endElement();
}

void OscWriter::blobMessage(std::string_view address, std::span<const std::uint8_t> blob)
{
    beginElement();
    putString(address);
    putString(",b");
    putInt(std::uint32_t(blob.size()));
    const std::size_t start = bytes_.size();
    bytes_.resize(start + ((blob.size() + 3) & ~std::size_t(3)), 0);
    if (!blob.empty())
        std::memcpy(bytes_.data() + start, blob.data(), blob.size());
    endElement();
}

void PacketPacker::sequenceWith(std::string headerAddress, std::uint32_t* sequence)
{
    headerAddress_ = std::move(headerAddress);
    sequence_ = sequence;
}

void PacketPacker::add(OscReply message)
{
    const std::size_t bytes = 4 + OscWriter::messageSize(message.address, message.args);
    const std::size_t header = sequence_ ? 4 + OscWriter::messageSize(headerAddress_, {}) + 4 : 0;
    if (!pending_.empty() && 16 + header + pendingBytes_ + bytes > maxBytes_)
        flush();
    pendingBytes_ += bytes;
    pending_.push_back(std::move(message));
}

void PacketPacker::flush()
{
    if (pending_.empty())
        return;
    writer_.clear();
    if (pending_.size() == 1 && !sequence_) {
        writer_.message(pending_.front());
    } else {
        writer_.beginBundle();
        if (sequence_) {
            const OscReply::Arg seq[] = {int(++*sequence_)};
            writer_.message(headerAddress_, seq);
        }
        for (const auto& m : pending_)
            writer_.message(m);
        writer_.endBundle();
    }
    packets_.push_back(writer_.bytes());
    pending_.clear();
    pendingBytes_ = 0;
}

std::vector<OscPacketBytes> PacketPacker::finish()
{
    flush();
    std::vector<OscPacketBytes> out;
    out.swap(packets_);
    return out;
}

} // namespace backline::control
