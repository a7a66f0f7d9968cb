{#- Latest state of every YouTube video (argMax over the scrapes staging keeps). -#}
{% macro marts_profile_stats_yt_latest_videos(where=none) -%}
select
    video_id,
    argMax(channel_id, updated_at) as channel_id,
    argMax(title, updated_at) as title,
    argMax(is_short, updated_at) as is_short,
    argMax(duration_seconds, updated_at) as duration_seconds,
    argMax(publish_time, updated_at) as publish_time,
    toInt64(ifNull(argMax(views, updated_at), 0)) as views,
    toInt64(ifNull(argMax(likes, updated_at), 0)) as likes,
    toInt64(ifNull(argMax(comments, updated_at), 0)) as comments,
    max(updated_at) as last_updated
-- filter in a subquery: the aggregates' aliases shadow the column names in this WHERE
from (
    select * from {{ ref('stg_beat_youtube_video') }} /* dedup: argMax/max over updated_at per video below */
    {%- if where %}
    where {{ where }}
    {%- endif %}
)
group by video_id
{%- endmacro %}

{#- Each channel's recent videos (last 90 days, or its 50 newest) with video_class
    ('short' | 'video'), recency ranks and ER on views (YouTube's engagement base: a
    video's audience is its viewers, not the subscribers). `channels` restricts to a
    subquery of channel_ids for partial runs. -#}
{% macro marts_profile_stats_yt_recent_videos(channels=none) -%}
with latest_videos as (
    {{ marts_profile_stats_yt_latest_videos(
        where=('channel_id in (' ~ channels ~ ')') if channels else none) }}
),

channels as (
    -- Nullable, so a channel without a channel row gets NULL (not 0) from the left join
    select channel_id, CAST(subscribers, 'Nullable(Int64)') as subscribers
    from {{ ref('stg_beat_youtube_channel') }}
    {%- if channels %}
    where channel_id in ({{ channels }})
    {%- endif %}
),

ranked as (
    select
        *,
        if(is_short = 1, 'short', 'video') as video_class,
        toUInt64(row_number() over (partition by channel_id order by publish_time desc, video_id)) as video_rank,
        toUInt64(row_number() over (
            partition by channel_id, video_class order by publish_time desc, video_id
        )) as video_rank_by_class
    from latest_videos
)

select
    r.video_id as video_id,
    r.channel_id as channel_id,
    c.subscribers as subscribers,
    r.title as title,
    r.video_class as video_class,
    r.duration_seconds as duration_seconds,
    r.publish_time as publish_time,
    r.views as views,
    r.likes as likes,
    r.comments as comments,
    r.likes + r.comments as engagement,
    CAST({{ engagement_rate('r.likes + r.comments', 'r.views') }}, 'Nullable(Float64)') as er,
    r.video_rank as video_rank,
    r.video_rank_by_class as video_rank_by_class,
    r.last_updated as last_updated
from ranked r
left join channels c on c.channel_id = r.channel_id
where r.publish_time >= now() - INTERVAL 90 DAY or r.video_rank <= 50
{%- endmacro %}
