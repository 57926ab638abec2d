# Fails if a file of library LIBRARY includes a header of a library it may not use.
# Run by the build (see upwatch_library in CMakeLists.txt) with:
#   -DLIBRARY=name -DALLOWED=a|b|c -DFILES=file1|file2|...
cmake_minimum_required(VERSION 3.20)
string(REPLACE "|" ";" allowed "${ALLOWED}")
string(REPLACE "|" ";" files "${FILES}")
foreach(file IN LISTS files)
  file(STRINGS "${file}" includes REGEX "^#include \"upwatch/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"upwatch/([a-z_]+)/.*" "\\1" folder "${line}")
    if(NOT folder IN_LIST allowed)
      string(REPLACE ";" ", " names "${allowed}")
      message(FATAL_ERROR "${file}: ${line}: upwatch_${LIBRARY} may include only the headers "
                          "of ${names} (docs/architecture.md)")
    endif()
  endforeach()
endforeach()
