/* version: the suite's version, printed by every tool's --version. */
#ifndef ZSCAN_TOOL_VERSION_H
#define ZSCAN_TOOL_VERSION_H

#define ZSCAN_VERSION "0.1.0"

#endif
