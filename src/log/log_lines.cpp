#include "upwatch/log/log_lines.hpp"

#include <array>
#include <charconv>

namespace upwatch {

namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

bool needs_escape(unsigned char c) { return c < 0x20 || c > 0x7e || c == '\\'; }

int hex_value(char c) {
  const auto position = kHexDigits.find(static_cast<char>(c | 0x20));
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

void LineReader::push_back(std::string line) {
  pushed_back_.push_back(std::move(line));
  --number_;
}

bool LineReader::next(std::string& line) {
  line.clear();
  cut_ = false;
  if (!pushed_back_.empty()) {
    line = std::move(pushed_back_.back());
    pushed_back_.pop_back();
    ++number_;
    return true;
  }
  auto* buffer = in_.rdbuf();
  if (buffer == nullptr) return false;
  bool any = false;
  for (auto c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxLogLine) {
      line += static_cast<char>(c);
    } else {
      cut_ = true;
    }
  }
  if (!any) {
    in_.setstate(std::ios::eofbit);
    return false;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++number_;
  return true;
}

void append_escaped(std::string& out, std::string_view text) {
  std::size_t clean = 0;
  while (clean < text.size() && !needs_escape(static_cast<unsigned char>(text[clean]))) ++clean;
  const bool marker_like = !text.empty() && (text.front() == '*' || text.front() == '#');
  if (clean == text.size() && !marker_like) {
    out += text;  // the common case: nothing to escape
    return;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (needs_escape(c) || (i == 0 && marker_like)) {
      out += "\\x";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0x0f];
    } else {
      out += static_cast<char>(c);
    }
  }
}

std::string unescape(std::string_view text) {
  if (text.find('\\') == std::string_view::npos) return std::string{text};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' &&
               hex_value(text[i + 2]) >= 0 && hex_value(text[i + 3]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 2]) * 16 + hex_value(text[i + 3]));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

void append_percent_encoded(std::string& out, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > ' ' && byte < 0x7f && c != '%') {
      out += c;
    } else {
      out += '%';
      out += kHexDigits[byte >> 4U];
      out += kHexDigits[byte & 0xfU];
    }
  }
}

std::optional<std::string> percent_decoded(std::string_view word) {
  std::string text;
  for (std::size_t at = 0; at < word.size(); ++at) {
    if (word[at] != '%') {
      text += word[at];
      continue;
    }
    unsigned value = 0;
    const auto* digits = word.data() + at + 1;
    if (at + 2 >= word.size()) return std::nullopt;
    const auto [end, error] = std::from_chars(digits, digits + 2, value, 16);
    if (error != std::errc{} || end != digits + 2) return std::nullopt;
    text += static_cast<char>(value);
    at += 2;
  }
  return text;
}

}  // namespace upwatch
