"""Overview tab: bottom line, key judgments, key figures, benefits, actors and the chart.

The text is built before the first paint; the supply-concentration chart (pyqtgraph) is added
right after it, so the window never waits for pyqtgraph to show. The analyst's own judgments,
key figures and actors are in their sections, marked as theirs; the text is built again when
they change (keeping the place the user was reading).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain import Indicator, ItemRef, PartialDate, judgments_named
from ..store.briefing import newest_fact
from .detail import handle_link
from .own_actions import OwnItemActions
from .richtext import OWN_MARK, esc, plain_link, source_tags, style_sheet
from .session import Change, Session
from .views import links_then_out, reorder_focus_later

OWN_KINDS_HERE = ("judgment", "figure", "actor")


def own_badge(kind: str) -> str:
    """The mark after an own item in the overview's text: a word, not only a symbol, so a
    screen reader says it too (Qt's rich text keeps no title attribute to explain it)."""
    return f' <span class="own own-{kind}">{OWN_MARK}&nbsp;Analyst&#39;s</span>'


def own_style(palette: QPalette) -> str:
    colour = palette.color(QPalette.ColorRole.Highlight).name()
    return f".own {{ color: {colour}; font-weight: bold; font-size: small; }}"


class OverviewTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self._current: ItemRef | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("overviewBrowser")
        self.browser.setAccessibleName("Briefing overview")
        self.browser.setOpenLinks(False)
        links_then_out(self.browser)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)
        self.own_actions = OwnItemActions(session, self, OWN_KINDS_HERE, self.current_ref,
                                          self._show_added)
        self.browser.installEventFilter(self.own_actions)  # the Delete key
        self.add_button = self.own_actions.add_menu_button("&Add\u2026", "addOwnOverview")
        self.add_button.setToolTip("Add your own key judgment, key figure or actor")
        self.edit_button = self.own_actions.button("edit", "Ed&it\u2026", "editOwnOverview")
        self.delete_button = self.own_actions.button("delete", "De&lete", "deleteOwnOverview")
        self.own_label = QLabel(f"Your own items are marked {OWN_MARK}.", self)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        bar.addWidget(self.own_label)
        bar.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)

        self.chart_holder = QWidget(self)
        self.chart_holder.setObjectName("chartHolder")
        self.chart_layout = QVBoxLayout(self.chart_holder)
        self.chart_layout.setContentsMargins(4, 4, 4, 4)
        self.chart_placeholder = QLabel("Loading chart\u2026", self.chart_holder)
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_layout.addWidget(self.chart_placeholder)
        self.chart = None

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("overviewSplitter")
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.chart_holder)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter)
        # Until the first paint only the first screen is set (title, bottom line, key
        # judgments); the rest follows right after it (``after_first_paint``).
        self._complete = False
        self.render()
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self._on_workspace)

    def _on_change(self, change: Change) -> None:
        if change.kind in ("own", "grades"):
            self.rerender()

    def _on_workspace(self) -> None:
        # The first paint came before the workspace: only its own items change the text.
        if any(getattr(x, "own", False) for x in (*self.store.judgments(),
                                                  *self.store.figures(),
                                                  *self.store.actors())):
            self.rerender()

    def rerender(self) -> None:
        """Build the text again where the user was reading (setHtml goes back to the top)."""
        bar = self.browser.verticalScrollBar()
        where = bar.value()
        self.render()
        bar.setValue(where)

    # -- content -----------------------------------------------------------------------------
    def render(self) -> None:
        s = self.store
        prov = s.all_provenance(("overview", "judgment", "assumption", "outcome", "indicator",
                                 "figure", "benefit", "actor"))

        def tags(ref: ItemRef) -> str:
            return source_tags(ref, prov.get(ref, []))

        palette = self.palette()

        def sel(ref: ItemRef, text: str) -> str:
            return plain_link(f"sel:{ref.kind}:{ref.id}", text, palette)

        o = s.overview()
        o_ref = ItemRef("overview", o.id)
        info_as_of = newest_fact(s)
        out = [f"<h1>{sel(o_ref, o.title)}</h1>",
               ('<p class="muted"><b>Information as of '
                f"{esc(PartialDate(info_as_of).label())}</b> (the newest dated event). "
                if info_as_of else '<p class="muted">')
               + "Click any element to see its details and sources on the "
               "right; the bracketed tags open the source passage or citation.</p>",
               f"<h2>Bottom line up front</h2><p>{esc(o.bluf)} {tags(o_ref)}</p>"]
        if o.caveat:
            out.append(f'<p class="caveat"><b>Caveat:</b> {esc(o.caveat)}</p>')

        # (Only the kinds shown here are read: the whole index is not needed for the first paint.)
        events_by_id = {e.id: e for e in s.events()}
        figures_by_id = {f.id: f for f in s.figures()}

        def watch(events: tuple[str, ...], figures: tuple[str, ...]) -> str:
            """The timeline events and key figures an item is tied to, each a link."""
            links = [sel(ItemRef("event", e), f"{events_by_id[e].date.short_label()} "
                         f"{events_by_id[e].title}") for e in events if e in events_by_id]
            links += [sel(ItemRef("figure", f), figures_by_id[f].label)
                      for f in figures if f in figures_by_id]
            return "; ".join(links)

        indicators: dict[str, list[Indicator]] = {}
        for ind in s.indicators():
            indicators.setdefault(ind.judgment, []).append(ind)
        numbers: dict[str, int] = {}
        out.append("<h2>Key judgments</h2><ol>")
        for n, j in enumerate(s.judgments(), start=1):
            numbers[j.id] = n
            ref = ItemRef("judgment", j.id)
            mine = own_badge("judgment") if j.own else ""
            changes = "".join(
                f'<br>• <i>Would {esc(i.direction)} it:</i> '
                f'{sel(ItemRef("indicator", i.id), i.text)} {tags(ItemRef("indicator", i.id))}'
                f'<br>&nbsp;&nbsp;<span class="muted">Watch: '
                f'{watch(i.events, i.figures)}</span>'
                for i in indicators.get(j.id, []))
            out.append(
                f'<li><span class="est">{esc(j.estimative.capitalize())}</span> '
                f'<span class="muted">({esc(j.confidence)} confidence)</span>: '
                f"{sel(ref, j.text)}{mine} {tags(ref)}<br>"
                f'<span class="muted">Basis: {esc(j.basis)}</span>'
                + (f'<br><span class="caveat">Caveat: {esc(j.caveat)}</span>' if j.caveat
                   else "")
                + (f"<br><b>What would change it</b>{changes}" if changes else "")
                + "</li>")
        out.append("</ol>")
        if not self._complete:
            self._show(out)
            return

        assumptions = s.assumptions()
        if assumptions:
            out.append('<h2><a name="key-assumptions"></a>Key assumptions</h2>'
                       "<p class=\"muted\">What the judgments take "
                       "as given, apart from the information: the briefing's assessment, "
                       "each with what it rests on and what changes if it fails.</p><ol>")
            for a in assumptions:
                ref = ItemRef("assumption", a.id)
                rests = judgments_named(a.judgments, numbers)
                which = f" ({rests})" if rests else ""
                out.append(
                    f"<li>{sel(ref, a.text)} {tags(ref)}<br>"
                    f'<span class="muted">Basis: {esc(a.basis)}</span><br>'
                    f"<i>If it is wrong{esc(which)}:</i> {esc(a.if_wrong)}"
                    + (f'<br><span class="caveat">Caveat: {esc(a.caveat)}</span>'
                       if a.caveat else "")
                    + "</li>")
            out.append("</ol>")

        outcomes = s.outcomes()
        if outcomes:
            ranges = {w.word: w for w in s.estimative_scale()}
            out.append('<h2><a name="alternative-outcomes"></a>Alternative outcomes</h2>'
                       f"<p><b>{esc(o.question)}</b></p>"
                       "<p class=\"muted\">The briefing's assessment: the outcomes exclude "
                       "each other and together cover the field; their likelihoods use the "
                       "scale below.</p><ol>")
            for oc in outcomes:
                ref = ItemRef("outcome", oc.id)
                w = ranges.get(oc.estimative)
                span = f" ({w.range_label()})" if w else ""
                signs = watch(oc.events, oc.figures)
                out.append(
                    f'<li><span class="est">{esc(oc.estimative.capitalize())}</span>'
                    f'<span class="muted">{esc(span)}</span>: <b>{sel(ref, oc.title)}</b>. '
                    f"{esc(oc.text)} {tags(ref)}<br>"
                    f'<span class="muted">Basis: {esc(oc.basis)}</span>'
                    + (f'<br><span class="muted">Signs so far: {signs}</span>' if signs else "")
                    + (f'<br><span class="caveat">Caveat: {esc(oc.caveat)}</span>'
                       if oc.caveat else "")
                    + "</li>")
            out.append("</ol>")
            span_all = s.outcomes_span()
            if span_all is not None:
                low, high = span_all
                out.append(f'<p class="muted">Together the ranges span {low:g}\u2013{high:g}%, '
                           "so probabilities inside them can add up to 100%.</p>")
        # The scale the judgments' words come from, as in every export (one scale everywhere).
        scale = sorted(s.estimative_scale(), key=lambda w: -w.high)
        if scale:
            steps = ", ".join(f"{esc(w.word)} ({w.low:g}\u2013{w.high:g}%)" for w in scale)
            out.append(f'<p class="muted" id="estimativeLegend"><b>How likely:</b> {steps}. '
                       "Confidence (high, moderate, low) says how well the evidence supports a "
                       "judgment, apart from how likely it is.</p>")

        out.append('<h2>Key figures</h2><table class="cards" cellspacing="6" width="100%">')
        figures = s.figures()
        per_row = 3
        for start in range(0, len(figures), per_row):
            out.append("<tr>")
            for f in figures[start:start + per_row]:
                ref = ItemRef("figure", f.id)
                as_of = ""
                if f.as_of:
                    as_of = f" ({PartialDate(f.as_of).label()})"
                mine = own_badge("figure") if f.own else ""
                out.append(
                    f'<td width="33%" valign="top"><span class="value">{esc(f.value_text())}'
                    f"</span> {esc(f.unit)}{mine}<br>{sel(ref, f.label)}{esc(as_of)}<br>"
                    f'<span class="muted">{esc(f.measures)}</span><br>{tags(ref)}'
                    + (' <span class="src">\u26a0 caveat</span>' if f.caveat else "")
                    + "</td>")
            out.append("</tr>")
        out.append("</table>")

        out.append("<h2>Benefits for Pakistan</h2><ul>")
        for b in s.benefits():
            ref = ItemRef("benefit", b.id)
            out.append(f"<li><b>{sel(ref, b.title)}</b>: {esc(b.description)} {tags(ref)}</li>")
        out.append("</ul>")

        out.append('<h2>Actors</h2><table cellspacing="2" cellpadding="3">')
        from ..store.view import ANALYST_LANE

        for a in s.actors():
            if a.id == ANALYST_LANE:  # a timeline lane, not an actor the analyst added
                continue
            ref = ItemRef("actor", a.id)
            mine = own_badge("actor") if a.own else ""
            out.append(f"<tr><td><b>{sel(ref, a.name)}</b>{mine}</td>"
                       f'<td class="muted">{esc(a.kind.replace("-", " "))}</td>'
                       f"<td>{tags(ref)}</td></tr>")
        out.append("</table>")
        self._show(out)

    def _show(self, html: list[str]) -> None:
        self.browser.document().setDefaultStyleSheet(style_sheet(self.palette())
                                                     + own_style(self.palette()))
        self.browser.setHtml("".join(html))

    def _on_link(self, url: QUrl) -> None:
        href = url.toString()
        if href.startswith("sel:"):
            kind, _, ident = href[4:].partition(":")
            self._current = ItemRef(kind, ident)
            self.session.select(self._current)
            self.own_actions.update()
        else:
            handle_link(self.session, href)

    # -- chart (after the first paint) ---------------------------------------------------------
    def after_first_paint(self) -> None:
        self._complete = True
        self.rerender()  # the rest of the text, below the first screen: nothing visible moves
        QTimer.singleShot(0, self._build_chart)

    def _build_chart(self) -> None:
        if self.chart is not None:
            return
        from .charts import SupplyChart

        self.chart = SupplyChart(self.store.figures(), self.chart_holder)
        self.chart.setObjectName("supplyChart")
        self.chart.figureClicked.connect(
            lambda fid: self.session.select(ItemRef("figure", fid)))
        self.chart_layout.replaceWidget(self.chart_placeholder, self.chart)
        reorder_focus_later(self)  # a control built after the tab
        self.chart_placeholder.deleteLater()

    # -- tab protocol --------------------------------------------------------------------------
    def _context_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        """The browser's own menu (copy, select all) plus the window's note action."""
        menu = self.browser.createStandardContextMenu(pos)
        window = self.window()
        action = getattr(window, "add_note_action", None)
        if action is not None and self._current is not None:
            menu.addSeparator()
            menu.addAction(action)
        self.own_actions.update()
        menu.addSeparator()
        for own in self.own_actions.actions():
            menu.addAction(own)
        menu.exec(self.browser.mapToGlobal(pos))
        menu.deleteLater()

    def current_ref(self) -> ItemRef | None:
        return self._current

    def _show_added(self, ref: ItemRef) -> None:
        """An item the user just added: scrolled to, and its details shown."""
        self.select(ref)
        self.session.select(ref)

    def select(self, ref: ItemRef) -> None:
        self._current = ref
        self.browser.scrollToAnchor(f"sel:{ref.kind}:{ref.id}")
        self.own_actions.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.render()
        super().changeEvent(event)
