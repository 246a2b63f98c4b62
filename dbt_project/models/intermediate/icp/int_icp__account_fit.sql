{#- ICP fit per account from its criterion outcomes: score (share of weight matched, 0-100, one
    decimal), confidence (share of weight that could be evaluated), tier, and the matched (reasons)
    and missed (gaps) criteria, highest weight first. Accounts are all scored, prospects included.

    The reasons and gaps of an account are a subset of the current version's few criteria. Listing
    them per account (7M outcome rows at a million accounts, collected and sorted per group) was
    the slowest node of the refresh; instead each criterion is one bit of a number, an account's
    matched and missed criteria are two sums, and only the distinct subsets are turned into text
    (a few hundred rows). Same text, 23.7 s -> 2.4 s of aggregation at 1M accounts
    (docs/performance.md). The bits are exact up to 52 criteria in a version
    (int_icp__current_criteria is tested for that). -#}

with outcomes as (

    select * from {{ ref('int_icp__account_criteria') }}

),

criteria as (

    select * from {{ ref('int_icp__current_criteria') }}

),

criterion_bits as (

    select
        icp_version,
        criterion,
        weight,
        cast(power(2, bit_position) as bigint) as bit_value
    from (
        select
            icp_version,
            criterion,
            weight,
            row_number() over (
                partition by icp_version order by weight desc, criterion asc
            ) - 1 as bit_position
        from criteria
    ) as ranked

),

scored as (

    select
        outcomes.account_id,
        outcomes.icp_version,
        {{ icp.fit_score('outcomes.outcome', 'outcomes.weight') }} as icp_fit_score,
        sum(case when outcomes.outcome <> 'unknown' then outcomes.weight else 0 end)
        / sum(outcomes.weight) as icp_fit_confidence,
        sum(case when outcomes.outcome = 'match' then bits.bit_value else 0 end) as reason_bits,
        sum(case when outcomes.outcome = 'miss' then bits.bit_value else 0 end) as gap_bits
    from outcomes
    inner join criterion_bits as bits
        on
            outcomes.icp_version = bits.icp_version
            and outcomes.criterion = bits.criterion
    group by outcomes.account_id, outcomes.icp_version

),

bit_sets as (

    select distinct
        icp_version,
        reason_bits as set_bits
    from scored
    union
    select distinct
        icp_version,
        gap_bits as set_bits
    from scored

),

set_texts as (

    select
        bit_sets.icp_version,
        bit_sets.set_bits,
        {{ icp.ordered_list_agg(
            'bits.criterion', ['-bits.weight', 'bits.criterion']
        ) }} as criteria_text
    from bit_sets
    inner join criterion_bits as bits
        on
            bit_sets.icp_version = bits.icp_version
            and floor(bit_sets.set_bits / bits.bit_value) % 2 = 1
    group by bit_sets.icp_version, bit_sets.set_bits

),

final as (

    select
        scored.account_id,
        scored.icp_version,
        scored.icp_fit_score,
        scored.icp_fit_confidence,
        reasons.criteria_text as icp_fit_reasons,
        gaps.criteria_text as icp_fit_gaps,
        {{ icp.fit_tier('scored.icp_fit_score') }} as icp_tier
    from scored
    left join set_texts as reasons
        on
            scored.icp_version = reasons.icp_version
            and scored.reason_bits = reasons.set_bits
    left join set_texts as gaps
        on
            scored.icp_version = gaps.icp_version
            and scored.gap_bits = gaps.set_bits

)

select * from final
