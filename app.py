"""micrograd classroom: the entrypoint. Run with `streamlit run app.py`.

Builds the navigation over the page scripts in app_pages/; each page is a thin script of
widgets that calls into the micrograd package. (Not `pages/`: Streamlit treats a folder of that
name beside the entrypoint as a legacy multipage app until the first `st.navigation` call, so a
shared link opened first after a server start would run its page without this file.)
"""

from pathlib import Path

import streamlit as st

from app_pages import registry
from app_pages.server_setup import prepare_process

PAGES = Path(__file__).parent / "app_pages"

# the tab icon is a file the app serves itself (a ":material/..." icon is fetched from a font CDN,
# and a classroom may have no internet)
st.set_page_config(page_title="micrograd classroom", page_icon=Path(__file__).parent / "assets" / "icon.svg",
                   layout="wide")


prepare_process()  # the cycle collector, BLAS threads and the GIL interval, once (app_pages/server_setup.py)

# the navigation, section by section, from the one page registry
sections = {}
for info in registry.PAGES:
    sections.setdefault(info.section, []).append(
        st.Page(PAGES / info.script, title=info.title, icon=info.icon, default=info is registry.PAGES[0]))

st.navigation(sections).run()
