#pragma once

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace upwatch {

/// Owns a CURL easy handle.
struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

/// Owns a CURLM multi handle.
struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;

/// Owns a CURLSH share handle.
struct ShareDeleter {
  void operator()(CURLSH* handle) const { curl_share_cleanup(handle); }
};
using ShareHandle = std::unique_ptr<CURLSH, ShareDeleter>;

/// Owns a curl_slist.
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using SlistHandle = std::unique_ptr<curl_slist, SlistDeleter>;

/// Owns a CURLU URL handle.
struct UrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

/// Owns a string that libcurl allocated.
struct CurlFree {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

/// Initialises libcurl for the life of the process's main function.
class CurlGlobal {
 public:
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

/// Appends `item` to `list`, keeping ownership; false if libcurl could not allocate.
[[nodiscard]] inline bool slist_append(SlistHandle& list, const char* item) {
  curl_slist* grown = curl_slist_append(list.get(), item);
  if (grown == nullptr) return false;
  static_cast<void>(list.release());
  list.reset(grown);
  return true;
}

/// A curl_slist of `items`; throws std::bad_alloc if libcurl could not allocate.
[[nodiscard]] inline SlistHandle make_slist(const std::vector<std::string>& items) {
  SlistHandle list;
  for (const auto& item : items) {
    if (!slist_append(list, item.c_str())) throw std::bad_alloc();
  }
  return list;
}

/// Throws std::runtime_error naming `what` if an easy call failed.
inline void check(CURLcode code, std::string_view what) {
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format("libcurl {}: {}", what, curl_easy_strerror(code)));
  }
}

/// Throws std::runtime_error naming `what` if a multi call failed.
inline void check(CURLMcode code, std::string_view what) {
  if (code != CURLM_OK) {
    throw std::runtime_error(fmt::format("libcurl {}: {}", what, curl_multi_strerror(code)));
  }
}

}  // namespace upwatch
