"""``tokvec serve``: a local web explorer over any ``Vectors`` (FastAPI JSON API + one static page).

``app.create_app(vectors)`` builds the application; ``static/`` holds the page, with every asset
local (the page works offline). Optional: needs ``tokvec[serve]`` (fastapi, uvicorn).
"""
