#!/usr/bin/env bash
# Study Portal (学习型机关工作平台) offline installer, shipped at the top of the bundle that `make bundle`
# builds. Needs no network: everything comes from the bundle's wheelhouse. docs/install-offline.md.
#
#   sudo ./install.sh                      install or upgrade in /opt/studyportal (asks a few questions)
#   ./install.sh --prefix ~/portal ...     without root: no system user, systemd units only written out
#   sudo ./install.sh --uninstall          removes code and units; keeps etc/studyportal.env and data/
#
# Layout under the prefix: releases/<version>-<time>/{app,venv} with `current` linking the live one
# (the previous one is kept), bin/manage (manage.py with the portal's environment), etc/studyportal.env,
# etc/systemd/ and etc/nginx-studyportal.conf (what was installed), data/ (SQLite file, uploads).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
if [ -f "$HERE/app/manage.py" ]; then APP_SRC=$HERE/app; else APP_SRC=$(dirname "$HERE"); fi
SERVICE_USER_NAME=studyportal

usage() {
  cat <<'EOF'
用法 / usage: install.sh [选项 options]
  --prefix DIR          安装目录 install into DIR (root 默认 /opt/studyportal；普通用户必须给出)
  --python PATH         使用的 Python 3.10–3.13 (默认依次找 python3.13 … python3.10, python3)
  --database-url URL    数据库 postgres://用户:密码@主机:5432/库名 (默认 SQLite，存于 DIR/data)
  --hosts LIST          访问门户的域名或 IP，逗号分隔 (ALLOWED_HOSTS，默认本机名,127.0.0.1,localhost)
  --bind ADDR           gunicorn 监听地址 (默认 127.0.0.1:8000)
  --tasks database      后台导出 (TASKS_BACKEND=database)，同时安装 worker 服务
  --http                内网只用 HTTP、不用 HTTPS：关闭 HTTPS 重定向与安全 Cookie
  --non-interactive     不提问 (也可 STUDYPORTAL_NONINTERACTIVE=1)；管理员账号仅在设置了
                        DJANGO_SUPERUSER_USERNAME 与 DJANGO_SUPERUSER_PASSWORD 时创建
  --configure-only      只写环境文件 DIR/etc/studyportal.env 然后退出 (便于先检查、修改)
  --uninstall           删除程序与 systemd 单元，保留 DIR/etc/studyportal.env 与 DIR/data
Environment: DATABASE_URL, ALLOWED_HOSTS, TASKS_BACKEND, PYTHON stand in for the options.
EOF
}

say() { printf '==> %s\n' "$*"; }
die() { printf '错误：%s\n' "$*" >&2; exit 1; }

PREFIX=""
PY=${PYTHON:-}
DB_URL=${DATABASE_URL:-}
HOSTS=${ALLOWED_HOSTS:-}
BIND=127.0.0.1:8000
TASKS=${TASKS_BACKEND:-}
HTTPS=1
INTERACTIVE=1
[ -t 0 ] || INTERACTIVE=0
[ "${STUDYPORTAL_NONINTERACTIVE:-0}" = 1 ] && INTERACTIVE=0
ACTION=install
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=${2:?}; shift ;;
    --python) PY=${2:?}; shift ;;
    --database-url) DB_URL=${2:?}; shift ;;
    --hosts) HOSTS=${2:?}; shift ;;
    --bind) BIND=${2:?}; shift ;;
    --tasks) TASKS=${2:?}; shift ;;
    --http) HTTPS=0 ;;
    --non-interactive) INTERACTIVE=0 ;;
    --configure-only) ACTION=configure ;;
    --uninstall) ACTION=uninstall ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "未知选项 $1 (unknown option)" ;;
  esac
  shift
done
case $TASKS in ''|database|immediate) ;; *) die "--tasks 只能是 database 或 immediate (TASKS_BACKEND)";; esac

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
if [ -z "$PREFIX" ]; then
  [ $IS_ROOT = 1 ] || die "非 root 用户请用 --prefix 指定安装目录，例如 --prefix \$HOME/studyportal (not root: give --prefix)"
  PREFIX=/opt/studyportal
fi
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
ENV_FILE=$PREFIX/etc/studyportal.env
DATA=$PREFIX/data
# systemd only where it runs and we may change it; otherwise the units are written out for the admin.
SYSTEMD=0
[ $IS_ROOT = 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null && SYSTEMD=1
SERVICE_USER=""
[ $SYSTEMD = 1 ] && SERVICE_USER=$SERVICE_USER_NAME

# As the service user where there is one, so that the files it writes stay the service's.
as_service() {
  if [ -n "$SERVICE_USER" ]; then runuser -u "$SERVICE_USER" -- "$@"; else "$@"; fi
}

units() { (cd "$PREFIX/etc/systemd" 2>/dev/null && ls) || true; }

uninstall() {
  if [ $SYSTEMD = 1 ]; then
    for unit in $(units); do
      case $unit in *@.*) continue ;; esac
      systemctl disable --now "$unit" 2>/dev/null || true
    done
    for timer in $(systemctl list-units --all --plain --no-legend 'studyportal-task@*.timer' | awk '{print $1}'); do
      systemctl disable --now "$timer" || true
    done
    for unit in $(units); do rm -f "/etc/systemd/system/$unit"; done
    systemctl daemon-reload
  fi
  rm -rf "$PREFIX/releases" "$PREFIX/current" "$PREFIX/bin" "$PREFIX/etc/systemd" "$PREFIX/etc/nginx-studyportal.conf"
  say "已卸载程序与服务单元。保留：$ENV_FILE（含密钥与数据库地址）和 $DATA（数据库与上传文件）。"
  say "Removed the code and the units; kept $ENV_FILE and $DATA. Delete them yourself to erase the data."
}
if [ $ACTION = uninstall ]; then uninstall; exit 0; fi

# --- Python ---------------------------------------------------------------------------------------
python_version() {  # prints e.g. 3.11; also works on Python 2, to name the version it refuses
  "$1" -c 'import sys; sys.stdout.write("%d.%d" % sys.version_info[:2])' 2>/dev/null
}
if [ -z "$PY" ]; then
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null && python_version "$candidate" >/dev/null; then PY=$candidate; break; fi
  done
  [ -n "$PY" ] || die "找不到 Python。请先安装 Python 3.10 或更新版本（3.10–3.13），再用 --python 指定。(No Python found: install Python 3.10-3.13.)"
fi
PY_VERSION=$(python_version "$PY") || die "无法运行 $PY (cannot run $PY)"
PY_MAJOR=${PY_VERSION%%.*}
PY_MINOR=${PY_VERSION#*.}
if [ "$PY_MAJOR" -lt 3 ] || { [ "$PY_MAJOR" = 3 ] && [ "$PY_MINOR" -lt 10 ]; }; then
  cat >&2 <<EOF
错误：本门户需要 Python 3.10 或更新版本（3.10–3.13），而 $PY 是 Python $PY_VERSION，版本太旧。
请先在本机安装 Python 3.10 以上版本，例如：
  - 麒麟、统信等系统：从系统安装源安装 python3.10 或 python3.11 软件包；
  - 没有这样的软件包时：在同样系统、同样架构的机器上从源码编译 Python 3.11，拷贝过来安装；
然后重新运行：  ./install.sh --python /usr/bin/python3.11   （换成实际路径）
(Error: Python 3.10-3.13 is required, $PY is Python $PY_VERSION. Install a newer Python, then rerun
install.sh with --python /path/to/python3.X.)
EOF
  exit 1
fi
if [ "$PY_MAJOR" = 3 ] && [ "$PY_MINOR" -gt 13 ]; then
  die "本安装包只带有 Python 3.10–3.13 的依赖包，而 $PY 是 Python $PY_VERSION。请用 --python 指定 3.10–3.13 中的一个。(The bundle's wheels cover Python 3.10-3.13.)"
fi
"$PY" -c 'import venv' 2>/dev/null || die "$PY 缺少 venv 模块（Python 安装不完整），请安装完整的 Python。($PY has no venv module.)"

# --- the bundle (before anything is written) -----------------------------------------------------
if [ $ACTION = install ]; then
  [ -d "$HERE/wheelhouse" ] || die "这里不是安装包（没有 wheelhouse/）。请在有网络的机器上运行 make bundle 生成安装包。(Not a bundle: run make bundle.)"
  MACHINE=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["machine"])' "$HERE/MANIFEST.json")
  [ "$(uname -m)" = "$MACHINE" ] || die "此安装包适用于 $MACHINE，本机是 $(uname -m)：请使用 studyportal-…-linux-$(uname -m).tar.gz。(Wrong platform.)"
  LOCK=$HERE/requirements-cp3$PY_MINOR.txt
  [ -f "$LOCK" ] || die "安装包中没有 Python $PY_VERSION 的依赖清单 ($LOCK)"
  if command -v sha256sum >/dev/null; then
    say "校验安装包文件 (checking SHA256SUMS)"
    (cd "$HERE" && sha256sum --quiet -c SHA256SUMS) || die "安装包文件损坏或不完整，请重新拷贝安装包。(The bundle is damaged: copy it again.)"
  fi
fi

# --- environment file ---------------------------------------------------------------------------
ask() {  # ask VAR "question" default
  local answer
  if [ $INTERACTIVE = 1 ]; then
    read -r -p "$2 [$3]: " answer
    printf -v "$1" '%s' "${answer:-$3}"
  else
    printf -v "$1" '%s' "$3"
  fi
}

write_env() {
  local default_hosts
  default_hosts="$(hostname -f 2>/dev/null || hostname),127.0.0.1,localhost"
  [ -n "$HOSTS" ] || ask HOSTS "访问门户的域名或 IP，逗号分隔 (ALLOWED_HOSTS)" "$default_hosts"
  [ -n "$DB_URL" ] || ask DB_URL "数据库地址 DATABASE_URL，如 postgres://用户:密码@主机:5432/库名；回车用 SQLite" \
    "sqlite:///$DATA/db.sqlite3"
  mkdir -p "$PREFIX/etc" "$DATA/media"
  (umask 077 && STUDYPORTAL_HOSTS=$HOSTS STUDYPORTAL_DB=$DB_URL STUDYPORTAL_DATA=$DATA \
    STUDYPORTAL_HTTPS=$HTTPS STUDYPORTAL_TASKS=$TASKS STUDYPORTAL_BIND=$BIND \
    "$PY" - "$APP_SRC/deploy/studyportal.env.template" "$ENV_FILE" <<'EOF'
import datetime, os, secrets, sys

template, target = sys.argv[1:]
https = os.environ["STUDYPORTAL_HTTPS"] == "1"
values = {
    "WRITTEN": datetime.date.today().isoformat(),
    "SECRET_KEY": secrets.token_urlsafe(50),
    "AUDIT_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": os.environ["STUDYPORTAL_HOSTS"].replace(" ", ""),
    "DATABASE_URL": os.environ["STUDYPORTAL_DB"],
    "DATA": os.environ["STUDYPORTAL_DATA"],
    "HTTPS": "1" if https else "0",
    "HSTS_SECONDS": "31536000" if https else "0",
    "TASKS_BACKEND": os.environ["STUDYPORTAL_TASKS"],
    "BIND": os.environ["STUDYPORTAL_BIND"],
}
for key, value in values.items():
    if "'" in value or "\n" in value:
        sys.exit(f"错误：{key} 中不能有单引号或换行（URL 中的特殊字符请用 %xx 编码）: {value!r}")
text = open(template, encoding="utf-8").read()
for key, value in values.items():
    text = text.replace(f"@{key}@", value)
with open(target, "w", encoding="utf-8") as file:
    file.write(text)
EOF
  )
  say "已写入环境文件 $ENV_FILE (environment file written; edit it and rerun to change settings)"
}

FIRST_INSTALL=0
if [ -f "$ENV_FILE" ]; then
  say "保留已有环境文件 $ENV_FILE (kept: upgrade in place)"
else
  FIRST_INSTALL=1
  write_env
fi
[ $ACTION = configure ] && exit 0

VERSION=$("$PY" -c 'import json, sys; m = json.load(open(sys.argv[1])); print(m["version"] + "-" + m["commit"])' "$HERE/MANIFEST.json")

if [ $SYSTEMD = 1 ] && ! id "$SERVICE_USER" >/dev/null 2>&1; then
  say "创建系统用户 $SERVICE_USER"
  useradd --system --home-dir "$DATA" --shell /usr/sbin/nologin "$SERVICE_USER"
fi
if [ -n "$SERVICE_USER" ]; then
  chown -R "$SERVICE_USER:" "$DATA"
  chown "root:$SERVICE_USER" "$ENV_FILE"
  chmod 640 "$ENV_FILE"
fi

# --- a new release next to the live one --------------------------------------------------------
RELEASE=$PREFIX/releases/$VERSION-$(date +%Y%m%d%H%M%S)
say "安装 $VERSION 到 $RELEASE (Python $PY_VERSION)"
[ ! -e "$RELEASE" ] || die "$RELEASE 已存在，请一秒后重试 (exists: retry in a second)"
mkdir -p "$RELEASE"
trap 'rm -rf "$RELEASE"; echo "安装失败，正在运行的版本未改动。(Failed: the live release is untouched.)" >&2' ERR
cp -a "$APP_SRC" "$RELEASE/app"
"$PY" -m venv --without-pip "$RELEASE/venv"
# Only the bundle: no index, and none of this machine's pip settings (find-links, mirrors).
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p' | grep -v '^PIP_INDEX_URL$')
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1
PIP_WHEEL=$(ls "$HERE"/wheelhouse/pip-*.whl | tail -n 1)
"$RELEASE/venv/bin/python" "$PIP_WHEEL/pip" install --quiet --no-index --find-links "$HERE/wheelhouse" pip
"$RELEASE/venv/bin/python" -m pip install --quiet --no-index --find-links "$HERE/wheelhouse" \
  --only-binary=:all: -r "$LOCK"

mkdir -p "$PREFIX/bin"
cat >"$PREFIX/bin/manage" <<EOF
#!/bin/sh
# manage.py of the live release with the portal's environment, e.g. $PREFIX/bin/manage backup --output DIR
if [ "\$(id -u)" = 0 ] && [ -n "$SERVICE_USER" ]; then exec runuser -u "$SERVICE_USER" -- "\$0" "\$@"; fi
set -a; . "$ENV_FILE"; set +a
exec "$PREFIX/current/venv/bin/python" "$PREFIX/current/app/manage.py" "\$@"
EOF
chmod 755 "$PREFIX/bin/manage"

# manage.py of the new release, before it goes live.
release_manage() {
  (cd / && as_service sh -c 'set -a; . "$1"; set +a; shift; exec "$@"' - "$ENV_FILE" \
    "$RELEASE/venv/bin/python" "$RELEASE/app/manage.py" "$@")
}
say "迁移数据库 (migrate)"
release_manage migrate --noinput
trap - ERR

# Go live; keep the release before it (rollback: docs/install-offline.md) and delete older ones.
previous=$(readlink "$PREFIX/current" 2>/dev/null || true)
ln -sfn "$RELEASE" "$PREFIX/current.new" && mv -T "$PREFIX/current.new" "$PREFIX/current"
for old in "$PREFIX"/releases/*/; do
  old=${old%/}
  [ "$old" = "$RELEASE" ] || [ "$old" = "$previous" ] || rm -rf "$old"
done

# --- systemd units ------------------------------------------------------------------------------
set -a; . "$ENV_FILE"; set +a
UNITS=$PREFIX/etc/systemd
rm -rf "$UNITS" && mkdir -p "$UNITS"
user_lines=""
[ -n "$SERVICE_USER" ] && user_lines="User=$SERVICE_USER
Group=$SERVICE_USER"
service_common="$user_lines
EnvironmentFile=$ENV_FILE
WorkingDirectory=$PREFIX/current/app
NoNewPrivileges=true
PrivateTmp=true"
cat >"$UNITS/studyportal.service" <<EOF
[Unit]
Description=Study Portal (学习型机关工作平台): gunicorn
After=network.target postgresql.service

[Service]
$service_common
ExecStart=$PREFIX/current/venv/bin/gunicorn studyportal.wsgi --bind \${STUDYPORTAL_BIND} --workers \${STUDYPORTAL_WORKERS} --threads 2 --access-logfile -
ExecReload=/bin/kill -HUP \$MAINPID
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
if [ "${TASKS_BACKEND:-}" = database ]; then
  cat >"$UNITS/studyportal-worker.service" <<EOF
[Unit]
Description=Study Portal (学习型机关工作平台): background exports (db_worker)
After=network.target postgresql.service

[Service]
$service_common
ExecStart=$PREFIX/current/venv/bin/python $PREFIX/current/app/manage.py db_worker --queue-name exports,default
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
fi
cat >"$UNITS/studyportal-task@.service" <<EOF
[Unit]
Description=Study Portal (学习型机关工作平台): manage.py %i

[Service]
Type=oneshot
$service_common
ExecStart=$PREFIX/current/venv/bin/python $PREFIX/current/app/manage.py %i
EOF
cat >"$UNITS/studyportal-task@.timer" <<EOF
[Unit]
Description=Study Portal (学习型机关工作平台): manage.py %i every night

[Timer]
OnCalendar=*-*-* 02:30
RandomizedDelaySec=20min
Persistent=true

[Install]
WantedBy=timers.target
EOF
# The nightly commands this release has (others may come with a later one).
commands=$("$PREFIX/bin/manage" help --commands)
DAILY=""
for command in prune_exports send_reminders audit_checkpoint; do
  grep -qx "$command" <<<"$commands" && DAILY="$DAILY $command"
done
if [ $SYSTEMD = 1 ]; then
  say "安装 systemd 服务：$(units | tr '\n' ' ')"
  cp "$UNITS"/* /etc/systemd/system/
  systemctl daemon-reload
  for timer in $(systemctl list-units --all --plain --no-legend 'studyportal-task@*.timer' | awk '{print $1}'); do
    systemctl disable --now "$timer" || true
  done
  for command in $DAILY; do systemctl enable --now "studyportal-task@$command.timer"; done
  systemctl enable studyportal.service
  systemctl restart studyportal.service
  if [ -f "$UNITS/studyportal-worker.service" ]; then
    systemctl enable studyportal-worker.service && systemctl restart studyportal-worker.service
  elif systemctl is-enabled studyportal-worker.service >/dev/null 2>&1; then
    systemctl disable --now studyportal-worker.service
  fi
else
  reason="不是 root 用户"
  [ $IS_ROOT = 1 ] && reason="本机没有运行 systemd"
  say "跳过 systemd（$reason）。单元文件已写到 $UNITS，由管理员复制到 /etc/systemd/system/ 后启用：
    systemctl enable --now studyportal.service$( [ -f "$UNITS/studyportal-worker.service" ] && echo ' studyportal-worker.service')$(for c in $DAILY; do printf ' studyportal-task@%s.timer' "$c"; done)
    (systemd skipped: not root or no systemd; the units are in $UNITS)"
fi

# --- nginx ------------------------------------------------------------------------------------------
server_names=$(tr ',' ' ' <<<"$ALLOWED_HOSTS")
upstream=$STUDYPORTAL_BIND
proxy="    client_max_body_size 230m;  # the largest request the portal accepts: 10 attachments of 20 MB and the form (activities/uploads.py)
    location / {
        proxy_pass http://$upstream;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_read_timeout 120s;
    }"
if [ "$SECURE_SSL_REDIRECT" = 1 ]; then
  nginx="server {
    listen 443 ssl;
    server_name $server_names;
    ssl_certificate     /etc/nginx/ssl/studyportal.crt;
    ssl_certificate_key /etc/nginx/ssl/studyportal.key;
$proxy
}
server {
    listen 80;
    server_name $server_names;
    return 301 https://\$host\$request_uri;
}"
else
  nginx="server {
    listen 80;
    server_name $server_names;
$proxy
}"
fi
printf '# Study Portal behind nginx: /etc/nginx/conf.d/studyportal.conf (static files come from the portal)\n%s\n' \
  "$nginx" >"$PREFIX/etc/nginx-studyportal.conf"

say "部署检查 (check --deploy)"
"$PREFIX/bin/manage" check --deploy || true
say "nginx 配置片段（已保存到 $PREFIX/etc/nginx-studyportal.conf）："
cat "$PREFIX/etc/nginx-studyportal.conf"
say "完成：$VERSION 已安装在 $PREFIX (done). 管理命令：$PREFIX/bin/manage …；数据：$DATA；配置：$ENV_FILE"

# --- first administrator (last: whatever happens here, the portal is installed) ----------------------
if [ $FIRST_INSTALL = 1 ]; then
  if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ] && [ -n "${DJANGO_SUPERUSER_PASSWORD:-}" ]; then
    DJANGO_SUPERUSER_EMAIL=${DJANGO_SUPERUSER_EMAIL:-} "$PREFIX/bin/manage" createsuperuser --noinput
  else
    ask CREATE_ADMIN "现在创建第一个管理员账号吗？(create the first administrator now?) y/n" \
      "$([ $INTERACTIVE = 1 ] && echo y || echo n)"
    if [ "$CREATE_ADMIN" = y ]; then
      "$PREFIX/bin/manage" createsuperuser || say "未创建管理员：之后运行 $PREFIX/bin/manage createsuperuser"
    else
      say "未创建管理员：之后运行 $PREFIX/bin/manage createsuperuser (no administrator created)"
    fi
  fi
fi
