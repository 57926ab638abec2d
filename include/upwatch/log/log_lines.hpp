#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upwatch {

/// The longest line a log reader keeps; the rest of a longer line is skipped, and the line
/// counts as unreadable. upwatch never writes a line this long (see kMaxKeptLine).
inline constexpr std::size_t kMaxLogLine = std::size_t{64} * 1024;

/// Reads a log line by line, whatever its line endings (LF or CRLF), in bounded memory: a line
/// longer than kMaxLogLine is cut (and said to be), so that no input can make a reader grow.
class LineReader {
 public:
  /// Reads from `in` (a file or a pipe: no seeking).
  explicit LineReader(std::istream& in) : in_(in) {}

  /// Reads the next line into `line`, without its ending; false at the end of the input.
  bool next(std::string& line);
  /// The 1-based number of the line last read.
  [[nodiscard]] std::size_t number() const { return number_; }
  /// True if the line last read was longer than kMaxLogLine and was cut.
  [[nodiscard]] bool cut() const { return cut_; }
  /// Gives back a line read, whole, so that the next call to next() reads it again: for a
  /// reader that stops at a line of another format, or looks ahead. Lines given back are read
  /// again last given first.
  void push_back(std::string line);

 private:
  std::istream& in_;
  std::vector<std::string> pushed_back_;  ///< a stack
  std::size_t number_ = 0;
  bool cut_ = false;
};

/// The text of a status line, header or error as the text log writes it: every byte outside
/// printable ASCII, and the backslash, as \xNN (and \\), and a leading '*' or '#' as \x2a or
/// \x23, so that nothing from the network can end a record, forge a marker line, or reach a
/// terminal that shows the log as a control sequence.
void append_escaped(std::string& out, std::string_view text);
/// The original text of what append_escaped wrote.
[[nodiscard]] std::string unescape(std::string_view text);

/// Appends `text` as one word: every byte that is not printable ASCII, a space or '%' as %XX.
void append_percent_encoded(std::string& out, std::string_view text);
/// The original text of what append_percent_encoded wrote; nullopt for a bad %XX.
[[nodiscard]] std::optional<std::string> percent_decoded(std::string_view word);

}  // namespace upwatch
