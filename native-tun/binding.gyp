{
  "targets": [
    {
      "target_name": "native_tun",
      "sources": ["src/tun.c", "src/uring.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "conditions": [
        ["OS!='linux'", { "type": "none" }]
      ]
    }
  ]
}
