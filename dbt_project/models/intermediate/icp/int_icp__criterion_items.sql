{#- The listed values of the current `in`, `not_in` and `contains_any` criteria, one row each,
    lowercased: text matching is case-insensitive. -#}

with listing_criteria as (

    select * from {{ ref('int_icp__current_criteria') }}
    where operator in ('in', 'not_in', 'contains_any')

),

items as (

    {{ icp.split_to_rows(
        'listing_criteria', ['version_key', 'criterion', 'attribute', 'operator'], 'value', '|'
    ) }}

)

select * from items
