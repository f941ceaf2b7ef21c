"""Write an nginx configuration for app servers on local ports: python deploy/render_nginx.py PREFIX LISTEN PORT...

PREFIX is a directory for nginx's pid, logs and temporary files; LISTEN its address (e.g. 8080 or
127.0.0.1:8080); each PORT an app server (streamlit run app.py --server.port PORT). Prints the file's path; start
nginx with `nginx -p PREFIX -c PREFIX/nginx.conf -g "daemon off;"`.
"""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx") / "partner-program.conf.template"


def render(prefix: Path, listen: str, ports: list[int], host: str = "127.0.0.1") -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    addresses = [f"{host}:{port}" for port in ports]
    # max_fails=0: a refused connection sends the request on to the next server at once, never "no live upstreams"
    servers = "\n".join(f"        server {address} max_fails=0;" for address in addresses)
    # One upstream per route: its server first, the others as backups (used once it refuses), so a browser stays
    # on its server while it is up and is carried to another when it is not.
    route_upstreams = "\n".join(
        f"    upstream partner_app_{route} {{\n        server {address} max_fails=0;\n"
        + "".join(f"        server {other} max_fails=0 backup;\n" for other in addresses if other != address)
        + "    }\n"
        for route, address in enumerate(addresses))
    routes = "\n".join(f'        "{route}" partner_app_{route};' for route in range(len(addresses)))
    route_of_address = "\n".join(f'        "{address}" "{route}";' for route, address in enumerate(addresses))
    text = TEMPLATE.read_text(encoding="utf-8")
    for place, value in (("@@PREFIX@@", str(prefix)), ("@@LISTEN@@", listen), ("@@SERVERS@@", servers),
                         ("@@ROUTE_UPSTREAMS@@", route_upstreams), ("@@ROUTES@@", routes),
                         ("@@ROUTE_OF_ADDRESS@@", route_of_address)):
        text = text.replace(place, value)
    target = prefix / "nginx.conf"
    target.write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    print(render(Path(sys.argv[1]).resolve(), sys.argv[2], [int(p) for p in sys.argv[3:]]))
