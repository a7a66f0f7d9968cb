"""The synthetic world: creators, their posts and channels, brands, as SQL expressions.

Each attribute is a pure function of the seed and the entity's coordinates (creator
index i, post index j, ...), so any table can recompute any entity it refers to:
collection items point at posts that really exist, scrape logs at real shortcodes.

Shapes (the knobs are the constants below and the weights in vocab.py):
    followers   Pareto(alpha=1.15) above 1,500: median ~2.7k, top 1 % above ~80k,
                a handful of accounts in the millions (cap 80M)
    ER          profile ER ~6 % x (followers/1k)^-0.15 with log-normal noise; posts
                scatter around it, so most posts land in 0.5-8 %
    posts       10-90 per creator (mean 50), publish times uniform over --days,
                type mix reels 40 / image 30 / carousel 20 / story 10
    YouTube     creators with i % 10 < 3 (30 %) own a channel with 5-40 videos
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from stir.generate import vocab
from stir.generate.sqlexpr import Rand, arr, code, lit, sql_map

FOLLOWER_BASE = 1500
FOLLOWER_ALPHA = 1.15
FOLLOWER_CAP = 80_000_000
POSTS_MIN, POSTS_MAX = 10, 90
POST_SLOTS = 128          # post index p = i * POST_SLOTS + j
CHANNEL_EVERY, CHANNEL_SHARE = 10, 3
VIDEOS_MIN, VIDEOS_MAX = 5, 40
VIDEO_SLOTS = 64
# YouTube ids are coded from the upper half of the 64-bit index space, Instagram shortcodes
# from the lower half: `code` is a bijection, so the two platforms never share an id
# (campaign and collection marts key posts by shortcode alone).
VIDEO_ID_SPACE = 2**63
INSIGHTS_SHARE = 0.20
AUDIENCE_SHARE = 0.30
PROFILE_ID_BASE = 5_000_000_000


@dataclass(frozen=True)
class World:
    seed: int
    anchor: datetime
    creators: int
    days: int = 540

    @property
    def r(self) -> Rand:
        return Rand(self.seed)

    # ------------------------------------------------------------------ time
    @property
    def A(self) -> str:
        """The anchor ("now" of the data set) as a DateTime literal."""
        return f"toDateTime({lit(self.anchor.strftime('%Y-%m-%d %H:%M:%S'))}, 'UTC')"

    @property
    def span(self) -> int:
        return self.days * 86400

    def publish_month_filters(self, column: str) -> list[str]:
        """Conditions splitting publish times (within the --days span before the anchor)
        by calendar month, open-ended at both ends so every row matches exactly one."""
        start = (self.anchor - timedelta(days=self.days)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        bounds = []
        month = start
        while True:
            month = (month + timedelta(days=32)).replace(day=1)
            if month > self.anchor:
                break
            bounds.append(f"toDateTime({lit(month.strftime('%Y-%m-%d %H:%M:%S'))}, 'UTC')")
        if not bounds:
            return ["1"]
        return ([f"{column} < {bounds[0]}"]
                + [f"{column} >= {lo} AND {column} < {hi}" for lo, hi in zip(bounds, bounds[1:], strict=False)]
                + [f"{column} >= {bounds[-1]}"])

    def ago(self, seconds_sql: str) -> str:
        return f"({self.A} - toIntervalSecond({seconds_sql}))"

    # ------------------------------------------------------------------ creators
    def profile_id(self, i: str) -> str:
        return f"toString({PROFILE_ID_BASE} + {i})"

    def handle(self, i: str) -> str:
        r = self.r
        return (f"concat({r.pick(vocab.HANDLE_WORDS_A, 'handle.a', i)}, "
                f"{r.pick(('', '.', '_'), 'handle.sep', i)}, {r.pick(vocab.HANDLE_WORDS_B, 'handle.b', i)}, "
                f"toString({i}))")

    def full_name(self, i: str) -> str:
        r = self.r
        return f"concat({r.pick(vocab.NAME_FIRST, 'name.f', i)}, ' ', {r.pick(vocab.NAME_LAST, 'name.l', i)})"

    def followers(self, i: str) -> str:
        u = self.r.u("followers", i)
        return (f"toInt64(least({FOLLOWER_CAP}, floor({FOLLOWER_BASE} * pow(1 - {u}, {-1 / FOLLOWER_ALPHA!r}))))")

    def growth(self, i: str) -> str:
        """Relative follower growth over the whole --days span (-5 % .. +60 %)."""
        return f"(-0.05 + 0.65 * pow({self.r.u('growth', i)}, 2))"

    def followers_at(self, i: str, seconds_ago: str) -> str:
        """Followers `seconds_ago` before the anchor (linear growth towards today)."""
        return (f"toInt64(greatest(10, {self.followers(i)} * "
                f"(1 - {self.growth(i)} * least(1.0, ({seconds_ago}) / {self.span}))))")

    def followers_at_from(self, followers: str, growth: str, seconds_ago: str) -> str:
        """followers_at() from precomputed per-creator followers/growth columns."""
        return (f"toInt64(greatest(10, {followers} * "
                f"(1 - {growth} * least(1.0, ({seconds_ago}) / {self.span}))))")

    def er(self, i: str) -> str:
        """Profile engagement rate in %."""
        return (f"greatest(0.2, least(25.0, 6.0 * pow({self.followers(i)} / 1000.0, -0.15) * "
                f"exp(0.35 * {self.r.normal('er', i)})))")

    def following(self, i: str) -> str:
        return f"toInt64(50 + floor(pow({self.r.u('following', i)}, 2) * 3000))"

    def category(self, i: str) -> str:
        return self.r.weighted(vocab.CATEGORIES, "category", i)

    def country(self, i: str) -> str:
        return self.r.weighted(vocab.COUNTRIES, "country", i)

    def language(self, i: str) -> str:
        langs = {c: [v for v, _ in pairs] for c, pairs in vocab.LANGUAGES.items()}
        weights = {c: [float(w) for w in accumulate(w for _, w in pairs)]
                   for c, pairs in vocab.LANGUAGES.items()}
        country = self.country(i)
        u = self.r.u("language", i)
        return (f"{sql_map(langs)}[{country}][arrayFirstIndex(_cw -> _cw > {u} * arrayMax({sql_map(weights)}[{country}]), "
                f"{sql_map(weights)}[{country}])]")

    def city(self, i: str) -> str:
        return self.r.pick_from(f"{sql_map(vocab.CITIES)}[{self.country(i)}]", "city", i)

    def has_insights(self, i: str) -> str:
        return self.r.chance(INSIGHTS_SHARE, "insights", i)

    def has_audience(self, i: str) -> str:
        return self.r.chance(AUDIENCE_SHARE, "audience", i)

    def random_creator(self, salt: str, *coords: str) -> str:
        return f"({self.r.h(salt, *coords)} % {self.creators})"

    # ------------------------------------------------------------------ posts
    def post_count(self, i: str) -> str:
        return self.r.int(POSTS_MIN, POSTS_MAX, "posts", i)

    def post_index(self, i: str, j: str) -> str:
        return f"(toUInt64({i}) * {POST_SLOTS} + {j})"

    def shortcode(self, i: str, j: str) -> str:
        return code(self.post_index(i, j), self.seed % 1_000_003)

    def post_type(self, i: str, j: str) -> str:
        return self.r.weighted(vocab.POST_TYPES, "post_type", i, j)

    def publish_time(self, i: str, j: str) -> str:
        return self.ago(self.r.seconds_back(str(self.span), "publish", i, j))

    def random_post(self, salt: str, *coords: str) -> tuple[str, str]:
        """(i, j) of an existing post chosen by a hash of coords."""
        i = self.random_creator(f"{salt}.i", *coords)
        j = f"({self.r.h(f'{salt}.j', *coords)} % {self.post_count(i)})"
        return i, j

    # ------------------------------------------------------------------ YouTube
    def has_channel(self, i: str) -> str:
        return f"({i} % {CHANNEL_EVERY} < {CHANNEL_SHARE})"

    @property
    def channel_count(self) -> int:
        n = self.creators
        return (n // CHANNEL_EVERY) * CHANNEL_SHARE + min(n % CHANNEL_EVERY, CHANNEL_SHARE)

    def channel_owner(self, r_sql: str) -> str:
        """Creator index of the r-th channel owner (r in [0, channel_count))."""
        return f"(intDiv({r_sql}, {CHANNEL_SHARE}) * {CHANNEL_EVERY} + {r_sql} % {CHANNEL_SHARE})"

    def random_channel_owner(self, salt: str, *coords: str) -> str:
        return self.channel_owner(f"({self.r.h(salt, *coords)} % {max(self.channel_count, 1)})")

    def channel_id(self, i: str) -> str:
        return f"concat('UC', {code(i, 7 + self.seed % 999_983)}, {code(self.r.h('channel.tail', i), 0)})"

    def video_count(self, i: str) -> str:
        return self.r.int(VIDEOS_MIN, VIDEOS_MAX, "videos", i)

    def video_id(self, i: str, v: str) -> str:
        return code(f"(toUInt64({i}) * {VIDEO_SLOTS} + {v})", VIDEO_ID_SPACE + 13 + self.seed % 999_979)

    def subscribers(self, i: str) -> str:
        return f"toInt64(greatest(100, {self.followers(i)} * (0.1 + 1.4 * {self.r.u('subs', i)})))"

    def is_short(self, i: str, v: str) -> str:
        return self.r.chance(0.4, "short", i, v)

    def video_publish_time(self, i: str, v: str) -> str:
        return self.ago(self.r.seconds_back(str(self.span), "vpublish", i, v))

    def random_video(self, salt: str, *coords: str) -> tuple[str, str]:
        i = self.random_channel_owner(f"{salt}.i", *coords)
        v = f"({self.r.h(f'{salt}.v', *coords)} % {self.video_count(i)})"
        return i, v

    # ------------------------------------------------------------------ brands (coffee)
    @property
    def brands(self) -> int:
        return max(10, self.creators // 100)

    def hashtag_variant(self, tag_sql: str, salt: str, *coords: str) -> str:
        """The same tag written the ways people write it: as is, lower, UPPER, with '#'."""
        u = self.r.u(salt, *coords)
        return (f"multiIf({u} < 0.5, {tag_sql}, {u} < 0.7, lower({tag_sql}), {u} < 0.8, upper({tag_sql}), "
                f"concat('#', {tag_sql}))")

    def post_texts(self, salt: str, *coords: str, variants: int = 1024) -> tuple[str, str]:
        """(hashtags, caption) of a post, picked from `variants` seeded combinations.

        Drawing tags element by element costs a lambda per row; a constant table of
        pre-drawn combinations (different per seed) keeps the post insert cheap while
        tags still vary in number, choice, case and '#'."""
        rng = random.Random(f"{self.seed}:{salt}")
        combos = []
        for _ in range(variants):
            tags = [self._tag_variant(rng.choice(vocab.HASHTAGS), rng.random()) for _ in range(rng.randint(0, 6))]
            caption = rng.choice(vocab.CAPTIONS)
            if tags:
                caption = f"{caption} " + " ".join("#" + t.lstrip("#") for t in tags)
            combos.append((tags, None if rng.random() < 0.05 else caption))
        tags_sql = "[" + ", ".join(arr(t) for t, _ in combos) + "]"
        captions_sql = arr(c for _, c in combos)
        index = f"(1 + {self.r.h(salt, *coords)} % {variants})"
        return f"{tags_sql}[{index}]", f"{captions_sql}[{index}]"

    @staticmethod
    def _tag_variant(tag: str, u: float) -> str:
        if u < 0.5:
            return tag
        if u < 0.7:
            return tag.lower()
        if u < 0.8:
            return tag.upper()
        return "#" + tag

    def hashtags(self, n_sql: str, salt: str, *coords: str) -> str:
        tag = self.r.pick(vocab.HASHTAGS, f"{salt}.tag", *coords, "_tk")
        return f"arrayMap(_tk -> {self.hashtag_variant(tag, f'{salt}.case', *coords, '_tk')}, range({n_sql}))"
