"""Floor page for the rerun and first-paint benchmarks: a date slider and one plotly heatmap.

It draws a heatmap of BENCH_ROWS × BENCH_COLS cells (the size of the Matrix page's chart)
and nothing else, so its cost is what Streamlit and plotly need at the least.
"""
import datetime as dt
import os

import plotly.graph_objects as go
import streamlit as st

rows = int(os.environ.get("BENCH_ROWS", "28"))
cols = int(os.environ.get("BENCH_COLS", "3"))
st.set_page_config(page_title="Hello heatmap", layout="wide")
st.title("Hello heatmap")
days = [(dt.date(2025, 2, 1) + dt.timedelta(days=i)).isoformat() for i in range(365)]
day = st.select_slider("As of", options=days, value=days[-1], key="date")
seed = dt.date.fromisoformat(day).toordinal()
z = [[(seed + r * 7 + c * 3) % 5 - 2 for c in range(cols)] for r in range(rows)]
figure = go.Figure(go.Heatmap(z=z, x=[f"dimension {c}" for c in range(cols)], y=[f"actor {r}" for r in range(rows)],
                              zmin=-2, zmax=2, colorscale="RdBu"))
figure.update_layout(title=f"As of {day}", height=200 + 30 * rows)
st.plotly_chart(figure, key="chart")
