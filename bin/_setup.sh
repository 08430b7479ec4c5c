# Shared by bin/serve and bin/test: a virtualenv with the locked dependencies, and compiled translations.
# gettext compiles the translations; IPAex Gothic is the font embedded in invoice PDFs.
if ! command -v msgfmt >/dev/null || ! fc-list 2>/dev/null | grep -qi ipaex; then
  apt-get update -qq && apt-get install -y -qq gettext fonts-ipaexfont fontconfig >/dev/null
fi
[ -x .venv/bin/python ] || python3.11 -m venv .venv || python3 -m venv .venv
[ -x .venv/bin/uv ] || .venv/bin/pip install -q uv
.venv/bin/uv pip install -q --python .venv/bin/python -r requirements.txt
export PATH="$PWD/.venv/bin:$PATH"
python manage.py compilemessages -v0 --ignore=.venv
